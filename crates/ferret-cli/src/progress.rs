//! The progress spinner shown on standard error while a scan runs on a terminal.

use ferret_engine::source::tree::Progress;
use indicatif::{ProgressBar, ProgressStyle};
use std::sync::atomic::Ordering;
use std::time::Duration;

pub fn start(_counters: &Progress) -> ProgressBar {
    let bar = ProgressBar::new_spinner();
    bar.set_style(
        ProgressStyle::with_template("{spinner} {elapsed} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

/// Updates the message until the bar is finished.
pub fn tick(bar: &ProgressBar, counters: &Progress) {
    while !bar.is_finished() {
        let files = counters.files.load(Ordering::Relaxed);
        let bytes = counters.bytes.load(Ordering::Relaxed);
        bar.set_message(format!(
            "scanned {files} files, {:.1} MB",
            bytes as f64 / 1e6
        ));
        std::thread::sleep(Duration::from_millis(100));
    }
}
