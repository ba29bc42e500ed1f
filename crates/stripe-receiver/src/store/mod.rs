//! Reads and writes of the product's own tables, written once for both backends (see
//! [`crate::db`]).
//!
//! Functions that take a [`crate::Tx`] run inside the webhook's transaction; those that take a
//! [`crate::db::Db`] use the pools directly (CLI, endpoint lookups).

pub mod deliveries;
pub mod endpoints;
pub mod events;

#[cfg(feature = "cli")] // the CLI prints stored times as SQLite stores them
pub(crate) use crate::db::format_time;
