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

#[cfg(feature = "stripe-api")]
use crate::config::Refetch;
#[cfg(feature = "stripe-api")]
use crate::effects::Refetcher;
#[cfg(feature = "stripe-api")]
use crate::stripe_api::Scope;
#[cfg(feature = "stripe-api")]
use snapshot::Snapshot;
use upsert::Written;

use crate::{Event, Tx};

/// Why the built-in sync of an event failed; the webhook's transaction rolls back and the
/// delivery is answered 500, so Stripe delivers the event again.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// The database error.
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    /// Re-fetching the object from Stripe (`STRIPE_RECEIVER_REFETCH`) failed: Stripe
    /// unavailable, no API key for the event's mode, ... (a 404 is not an error: the event's
    /// own copy is used).
    #[cfg(feature = "stripe-api")]
    #[error("re-fetching {path} from Stripe: {source}")]
    Refetch {
        /// The API path asked for (`/v1/subscriptions/sub_...`).
        path: String,
        /// The client's error.
        #[source]
        source: crate::stripe_api::ApiError,
    },
}

/// Applies `event` to `kind`'s table (and the tables of objects nested in it), as the built-in
/// receiver of that family does. Returns how many rows changed (a write the ordering guard
/// refused changes none).
///
/// A tie — an event of the same second and rank already wrote the object, and neither event's
/// `previous_attributes` say which came first — goes to this event (the later delivery), or,
/// when re-fetching is on for ties, to Stripe's current copy of the object (README "Ordering
/// guard").
///
/// # Errors
/// [`SyncError`].
pub async fn sync_event(
    kind: &'static ObjectKind,
    event: &Event,
    tx: &mut Tx<'_>,
) -> Result<u64, SyncError> {
    let mut changed = 0;
    for (i, (snapshot, write)) in plan::plan(kind, event).into_iter().enumerate() {
        #[cfg(feature = "stripe-api")]
        let mut snapshot = snapshot;
        // The event's own object comes first; objects nested in it have no previous_attributes
        // and are never re-fetched.
        let root = i == 0;
        #[cfg(feature = "stripe-api")]
        let refetch =
            tx.effects().refetch.clone().filter(|_| {
                root && write == plan::Write::Upsert && !event.type_.ends_with(".deleted")
            });
        #[cfg(feature = "stripe-api")]
        if let Some(refetch) = refetch.as_ref().filter(|r| r.when == Refetch::Always) {
            snapshot = refetched(refetch, snapshot, event).await?;
        }
        let previous = event.previous_attributes().filter(|_| root);
        match upsert::write(tx, &snapshot, write, previous).await? {
            Written::Changed => changed += 1,
            Written::Kept => {}
            Written::Tie { stored_event } => {
                #[cfg(feature = "stripe-api")]
                if let Some(refetch) = refetch.as_ref().filter(|r| r.when == Refetch::Ties) {
                    snapshot = refetched(refetch, snapshot, event).await?;
                }
                if upsert::write_over(tx, &snapshot, &stored_event).await? {
                    changed += 1;
                }
            }
        }
    }
    Ok(changed)
}

/// `snapshot` with Stripe's current copy of its object (`GET /v1/<plural>/{id}`, with
/// `Stripe-Account` for a Connect event and the key of the event's mode), under the same event's
/// guard. Stripe not knowing the object (404) leaves the event's copy, with a warning.
#[cfg(feature = "stripe-api")]
async fn refetched(
    refetch: &Refetcher,
    snapshot: Snapshot,
    event: &Event,
) -> Result<Snapshot, SyncError> {
    let account = event.account.as_deref();
    let Some(path) = crate::stripe_api::stripe_id(&snapshot.id)
        .ok()
        .and_then(|id| snapshot.kind.api_path(id, account))
    else {
        tracing::warn!(object = %snapshot.id, "no API path to re-fetch this object; the event's copy is kept");
        return Ok(snapshot);
    };
    let scope = Scope::new(event.livemode, event.account.clone());
    match refetch.client.retrieve_object(&scope, &path).await {
        Ok(object) => {
            Ok(Snapshot::new(snapshot.kind, &snapshot.object, &object, event).unwrap_or(snapshot))
        }
        Err(e) if e.is_not_found() => {
            tracing::warn!(%path, "Stripe does not know the object any more; the event's copy is kept");
            Ok(snapshot)
        }
        Err(source) => Err(SyncError::Refetch { path, source }),
    }
}
