//! Synced Stripe objects: built-in receivers keep one table per object type
//! (`stripe_charges`, `stripe_customers`, ...) in step with the events, from the payloads
//! alone, correct under out-of-order delivery; receivers read them in the webhook's
//! transaction through [`Tx`] (`tx.charge(id)`).
//!
//! - [`kinds`]: every synced type, declared once ([`ObjectKind`]): table, objects, columns.
//! - `plan`: what an event writes (its object, deletes, nested objects).
//! - `upsert`: the guarded single-statement writes, per backend.
//! - [`models`]: the typed objects the read API returns.
//! - [`Objects`] / [`Synced`]: the read API.
//! - [`resync`]: re-applies a stored event to the tables.
//! - [`query`]: listings for the CLI (`stripe-receiver objects`).
//!
//! The README's "Synced objects" section has the contract: tables and columns, the ordering
//! guard and its tie rule, deletes, the run-order guarantee.

mod builtin;
pub mod kind;
pub mod kinds;
pub mod models;
mod plan;
pub mod query;
mod read;
pub mod resync;
#[cfg(test)]
mod schema;
mod snapshot;
mod upsert;

pub use kind::{Column, ColumnType, ObjectKind};
pub use read::{Objects, ReadError, Synced, SyncedObject};

use crate::{Event, Tx};

/// Applies `event` to `kind`'s table (and the tables of objects nested in it), as the built-in
/// receiver of that family does. Returns how many rows changed (a write the ordering guard
/// refused changes none).
///
/// # Errors
/// The database error.
pub async fn sync_event(
    kind: &'static ObjectKind,
    event: &Event,
    tx: &mut Tx<'_>,
) -> Result<u64, sqlx::Error> {
    let mut changed = 0;
    for (snapshot, write) in plan::plan(kind, event) {
        if upsert::write(tx, &snapshot, write).await? {
            changed += 1;
        }
    }
    Ok(changed)
}
