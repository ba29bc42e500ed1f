//! Reads and writes of the product's own tables (PRODUCT.md §7), per backend.
//!
//! Functions that take a [`crate::Tx`] run inside the webhook's transaction; those that take a
//! [`crate::db::Db`] use the pools directly (CLI, endpoint lookups).

pub mod deliveries;
pub mod endpoints;
pub mod events;

use chrono::{DateTime, Utc};

/// Encodes a time as stored: RFC 3339, UTC, microseconds, `Z`.
pub fn format_time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}
