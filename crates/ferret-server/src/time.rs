//! The server's clock and RFC 3339 rendering: [`ferret_store::time::now`] and
//! [`ferret_core::time`].

pub use ferret_core::time::{parse_rfc3339, rfc3339};
pub use ferret_store::time::now;
