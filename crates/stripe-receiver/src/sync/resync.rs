//! Re-sync from a stored event: applies a committed event's objects to the synced tables again,
//! under the same ordering guard (so a stale event changes nothing, and the event that last
//! wrote a row rewrites it identically). Replay uses it; so does `stripe-receiver objects
//! resync`.

use super::kinds::KINDS;
use super::upsert::Written;
use super::{plan, upsert};
use crate::db::Db;
use crate::effects::Effects;
use crate::store::events;
use crate::Tx;

/// One object a re-sync considered.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Resynced {
    /// Its table.
    pub table: &'static str,
    /// Its id.
    pub id: String,
    /// Whether the row changed (`false`: the ordering guard kept newer state, or a tombstone).
    pub changed: bool,
}

/// Why a re-sync could not run.
#[derive(Debug, thiserror::Error)]
pub enum ResyncError {
    /// No committed event has this id.
    #[error("no stored event {0}")]
    NoEvent(String),
    /// The event carries no synced object with this id.
    #[error("event {event_id} carries no synced object {object_id}")]
    NoObject {
        /// The event.
        event_id: String,
        /// The object asked for.
        object_id: String,
    },
    /// The stored event's data is not an event's (should not happen: it was parsed when stored).
    #[error("stored event {0} has unreadable data: {1}")]
    BadData(String, #[source] serde_json::Error),
    /// The database error.
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// Re-applies stored event `event_id` inside `tx`: every synced object it carries, or only the
/// one with id `object_id`. Returns what was considered, in the order written.
///
/// # Errors
/// [`ResyncError::NoEvent`], [`ResyncError::NoObject`] (when `object_id` is given and absent),
/// [`ResyncError::Database`].
pub async fn resync(
    tx: &mut Tx<'_>,
    event_id: &str,
    object_id: Option<&str>,
) -> Result<Vec<Resynced>, ResyncError> {
    let event = events::load(tx, event_id)
        .await?
        .ok_or_else(|| ResyncError::NoEvent(event_id.to_owned()))?
        .map_err(|e| ResyncError::BadData(event_id.to_owned(), e))?;
    let writes: Vec<_> = KINDS
        .iter()
        .map(|kind| plan::plan(kind, &event))
        .find(|writes| !writes.is_empty())
        .unwrap_or_default()
        .into_iter()
        .filter(|(snapshot, _)| object_id.is_none_or(|id| snapshot.id == id))
        .collect();
    if let (Some(object_id), true) = (object_id, writes.is_empty()) {
        return Err(ResyncError::NoObject {
            event_id: event_id.to_owned(),
            object_id: object_id.to_owned(),
        });
    }
    let mut done = Vec::with_capacity(writes.len());
    for (snapshot, write) in writes {
        let root = event
            .data
            .object
            .get("id")
            .and_then(serde_json::Value::as_str);
        let previous = event
            .previous_attributes()
            .filter(|_| root == Some(snapshot.id.as_str()));
        // A tie with another event of the same second that the events cannot settle is left
        // as it is: a re-sync does not re-decide arrival order.
        let changed = upsert::write(tx, &snapshot, write, previous).await? == Written::Changed;
        done.push(Resynced {
            table: snapshot.kind.table,
            id: snapshot.id,
            changed,
        });
    }
    Ok(done)
}

/// [`resync`] in a transaction of its own on `db`, committed when it succeeds (the CLI's
/// `objects resync`, and replay outside a webhook).
///
/// # Errors
/// As [`resync`]; nothing is committed on error.
pub async fn resync_stored(
    db: &Db,
    event_id: &str,
    object_id: Option<&str>,
) -> Result<Vec<Resynced>, ResyncError> {
    let mut effects = Effects::detached();
    let mut txn = db.begin().await?;
    let done = resync(&mut Tx::new(txn.conn(), &mut effects), event_id, object_id).await?;
    txn.commit().await?;
    Ok(done)
}
