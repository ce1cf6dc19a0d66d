//! Sources: where file contents come from. Today the file tree; git history and remote clones
//! are further sources feeding the same analyzers.

pub mod blob;
pub mod history;
mod packs;
pub mod tree;
