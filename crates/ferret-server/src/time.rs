//! The server's clock as Unix seconds; RFC 3339 rendering and parsing come from
//! [`ferret_core::time`].

use std::time::{SystemTime, UNIX_EPOCH};

pub use ferret_core::time::{parse_rfc3339, rfc3339};

/// Seconds since the Unix epoch.
pub fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}
