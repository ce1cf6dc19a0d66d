//! Times the phases of a history scan (`cargo run --release --example history_phases -- REPO`).

use ferret_engine::source::history::{self, CommitSelection};
use std::time::Instant;

fn main() {
    let path = std::env::args().nth(1).expect("usage: history_phases REPO");
    let started = Instant::now();
    let repo = history::open(std::path::Path::new(&path)).expect("repository");
    let listing =
        history::collect_blobs(&repo.to_thread_local(), &CommitSelection::AllRefs).expect("blobs");
    println!(
        "list {} blobs of {} commits: {:?}",
        listing.blobs.len(),
        listing.commits.len(),
        started.elapsed()
    );
    let read = Instant::now();
    let bytes = std::sync::atomic::AtomicU64::new(0);
    history::read_blobs_parallel(&repo, &listing.blobs, 2, u64::MAX, |_, content| {
        bytes.fetch_add(
            content.map_or(0, |c| c.len() as u64),
            std::sync::atomic::Ordering::Relaxed,
        );
    });
    println!("read {} bytes: {:?}", bytes.into_inner(), read.elapsed());
}
