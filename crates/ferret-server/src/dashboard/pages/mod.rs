//! The dashboard's pages, one module per area.

pub mod account;
pub mod audit;
pub mod auth;
pub mod findings;
pub mod members;
pub mod overview;
pub mod repositories;
pub mod tokens;
