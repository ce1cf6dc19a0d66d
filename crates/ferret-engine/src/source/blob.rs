//! A blob of git history to scan: what the history walk selects and the pack reader reads.
//! It lives apart from both so that neither imports the other.

use ferret_core::Provenance;
use gix::ObjectId;

/// A blob to scan, with where it first appeared.
#[derive(Debug, Clone)]
pub struct HistoryBlob {
    pub id: ObjectId,
    pub path: String,
    /// The introducing commit (history scans); `None` for staged or diff scans.
    pub provenance: Option<Provenance>,
}
