//! The guarded writes of a [`Snapshot`], one statement each, generated from its
//! [`ObjectKind`](super::kind::ObjectKind), the same for both backends but for the dialect's
//! `jsonb` casts.
//!
//! The ordering guard is part of the statement (`INSERT ... ON CONFLICT (id) DO UPDATE ...
//! WHERE guard`), so it holds under concurrency too: on PostgreSQL a concurrent writer of the
//! same id waits on the row and then evaluates the guard against the committed version.
//!
//! - Upsert: applies when the row is absent, or is not a tombstone and either the stored
//!   `(event_created, event_rank)` is less than the incoming one (the later second wins; within
//!   one second `*.created` < other changes < `*.deleted`, [`rank`](super::snapshot::rank)), or
//!   the stored event is the incoming one (rewriting it is idempotent, which is what a re-sync
//!   needs).
//! - A tie — another event of the same second and rank wrote the row — is settled by
//!   [`settle`]: the stored row is read (locked on PostgreSQL until the transaction ends) and
//!   the events' `previous_attributes` say which one follows the other; when they cannot, the
//!   caller decides ([`Written::Tie`]) and may write over the stored event with [`write_over`].
//! - Tombstone: a full payload is first upserted as above, then the row is marked deleted
//!   (inserted as a tombstone if absent). Marking applies to any row not yet deleted, whatever
//!   its guard, since deletion is final; the guard columns keep the greater event.

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex, PoisonError};

use chrono::Utc;
use serde_json::Value;

use super::plan::Write;
use super::snapshot::{ColumnValue, Snapshot};
use crate::db::{dispatch, sql, Backend, Dialect};
use crate::store::events;
use crate::Tx;

/// What a write came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Written {
    /// The row changed.
    Changed,
    /// The guard kept the stored row: a later event, a tombstone, or an event of the same
    /// second and rank that follows the incoming one.
    Kept,
    /// An event of the same second and rank wrote the row, and neither event's
    /// `previous_attributes` say which came first: `stored_event` is that event's id, to pass
    /// to [`write_over`] if the incoming event is to win.
    Tie { stored_event: String },
}

/// Writes one snapshot. `previous_attributes` are the carrying event's, for the root object
/// (`None` for a nested one): they settle a tie ([`settle`]).
///
/// # Errors
/// The database error.
pub(crate) async fn write(
    tx: &mut Tx<'_>,
    s: &Snapshot,
    write: Write,
    previous_attributes: Option<&Value>,
) -> Result<Written, sqlx::Error> {
    match write {
        Write::Upsert => upsert(tx, s, previous_attributes).await,
        Write::Tombstone { deleted_at, stub } => {
            let mut changed = false;
            if !stub {
                // A tombstone's rank is above every change of its second: no tie to settle.
                changed |= execute(tx, s, false, None, None).await?;
            }
            changed |= execute(tx, s, true, Some(deleted_at), None).await?;
            Ok(if changed {
                Written::Changed
            } else {
                Written::Kept
            })
        }
    }
}

/// Writes `s` over the row that `stored_event` wrote, which ties with it ([`Written::Tie`]):
/// the caller decided that the incoming event (or Stripe's current copy of the object) wins.
/// Nothing changes if the row has meanwhile been written by another event or deleted.
///
/// # Errors
/// The database error.
pub(crate) async fn write_over(
    tx: &mut Tx<'_>,
    s: &Snapshot,
    stored_event: &str,
) -> Result<bool, sqlx::Error> {
    execute(tx, s, false, None, Some(stored_event)).await
}

/// The guarded upsert, then, if the guard refused it, the tie check.
async fn upsert(
    tx: &mut Tx<'_>,
    s: &Snapshot,
    previous_attributes: Option<&Value>,
) -> Result<Written, sqlx::Error> {
    if execute(tx, s, false, None, None).await? {
        return Ok(Written::Changed);
    }
    let Some(stored) = guard_of(tx, s).await? else {
        return Ok(Written::Kept);
    };
    if stored.deleted
        || (stored.event_created, stored.event_rank) != (s.event_created, s.event_rank)
        || stored.event_id == s.event_id
    {
        return Ok(Written::Kept);
    }
    let stored_data: Value = serde_json::from_str(&stored.data).unwrap_or(Value::Null);
    let incoming: Value = serde_json::from_str(&s.data).unwrap_or(Value::Null);
    let stored_previous = match events::load(tx, &stored.event_id).await? {
        Some(Ok(event)) => event.data.previous_attributes,
        _ => None,
    };
    match settle(
        &stored_data,
        stored_previous.as_ref(),
        &incoming,
        previous_attributes,
    ) {
        Settled::Incoming => Ok(if write_over(tx, s, &stored.event_id).await? {
            Written::Changed
        } else {
            Written::Kept
        }),
        Settled::Stored => Ok(Written::Kept),
        Settled::Undecided => Ok(Written::Tie {
            stored_event: stored.event_id,
        }),
    }
}

/// Which of two events of the same second and rank about one object came last.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Settled {
    /// The incoming event follows the stored one.
    Incoming,
    /// The stored event follows the incoming one.
    Stored,
    /// Their `previous_attributes` do not say.
    Undecided,
}

/// Settles a tie from the events' `previous_attributes` (Stripe: the changed attributes with
/// their values before the change, on `*.updated` events): an event whose previous values are
/// the other event's state happened after it. `stored`/`incoming` are the objects as each
/// event carried them.
pub(crate) fn settle(
    stored: &Value,
    stored_previous: Option<&Value>,
    incoming: &Value,
    incoming_previous: Option<&Value>,
) -> Settled {
    if incoming_previous.is_some_and(|previous| follows(previous, stored)) {
        Settled::Incoming
    } else if stored_previous.is_some_and(|previous| follows(previous, incoming)) {
        Settled::Stored
    } else {
        Settled::Undecided
    }
}

/// Whether `previous` (a non-empty `previous_attributes` object) describes `state`: every
/// attribute it names has that value in `state`. A nested object names only its changed
/// members (`"metadata": {"plan": "old"}`), so it is compared member by member; an array is
/// given whole, so it is compared whole; `null` matches an absent attribute.
fn follows(previous: &Value, state: &Value) -> bool {
    match previous.as_object() {
        Some(members) if !members.is_empty() => subset(previous, state),
        _ => false,
    }
}

fn subset(previous: &Value, state: &Value) -> bool {
    match (previous, state) {
        (Value::Object(members), Value::Object(state)) => {
            members.iter().all(|(key, value)| match state.get(key) {
                Some(now) => subset(value, now),
                None => value.is_null(),
            })
        }
        (previous, state) => previous == state,
    }
}

/// The guard columns and object of a stored row, locked until the transaction ends on
/// PostgreSQL (SQLite's writer holds the whole database).
#[derive(sqlx::FromRow)]
struct StoredGuard {
    data: String,
    deleted: bool,
    event_created: i64,
    event_rank: i64,
    event_id: String,
}

async fn guard_of(tx: &mut Tx<'_>, s: &Snapshot) -> Result<Option<StoredGuard>, sqlx::Error> {
    let table = s.kind.table;
    dispatch!(TxConn, tx.conn_mut(), |conn, D| {
        let sql = format!(
            "SELECT {data}, deleted, event_created, event_rank, event_id FROM {table} \
             WHERE id = $1{lock}",
            data = D::pick("data", "data::text AS data"),
            lock = D::pick("", " FOR UPDATE"),
        );
        sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(&s.id)
            .fetch_optional(&mut **conn)
            .await
    })
}

/// The column list, in bind order.
fn columns(s: &Snapshot) -> Vec<&'static str> {
    let mut columns = vec!["id", "object", "account", "livemode", "created", "metadata"];
    columns.extend(s.kind.columns.iter().map(|c| c.name));
    columns.extend([
        "data",
        "deleted",
        "deleted_at",
        "event_created",
        "event_rank",
        "event_id",
        "synced_at",
    ]);
    columns
}

fn values_clause<D: Dialect>(s: &Snapshot) -> String {
    columns(s)
        .iter()
        .enumerate()
        .map(|(i, column)| {
            let cast = match *column {
                "metadata" | "data" => sql!(D; {json}),
                _ => "",
            };
            format!("${}{cast}", i + 1)
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The upsert (`tombstone = false`) or tombstone statement of the snapshot's kind for `D`.
/// The upsert's last parameter is the id of an event whose row it may write over although they
/// tie ([`write_over`]); NULL for none.
/// It depends on nothing else, so it is rendered once per (table, backend, statement) and kept
/// for the life of the process (at most 4 per declared kind) instead of on every webhook.
fn statement<D: Dialect>(s: &Snapshot, tombstone: bool) -> &'static str {
    type Key = (&'static str, Backend, bool);
    static RENDERED: LazyLock<Mutex<HashMap<Key, &'static str>>> = LazyLock::new(Mutex::default);
    let mut rendered = RENDERED.lock().unwrap_or_else(PoisonError::into_inner);
    rendered
        .entry((s.kind.table, D::BACKEND, tombstone))
        .or_insert_with(|| {
            let sql = if tombstone {
                tombstone_sql::<D>(s)
            } else {
                upsert_sql::<D>(s)
            };
            Box::leak(sql.into_boxed_str())
        })
}

fn upsert_sql<D: Dialect>(s: &Snapshot) -> String {
    let table = s.kind.table;
    let all = columns(s);
    let set: Vec<String> = all
        .iter()
        .filter(|c| !matches!(**c, "id" | "deleted" | "deleted_at"))
        .map(|c| format!("{c} = excluded.{c}"))
        .collect();
    format!(
        "INSERT INTO {table} ({columns}) VALUES ({values}) \
         ON CONFLICT (id) DO UPDATE SET {set} \
         WHERE {table}.deleted = FALSE \
         AND ((excluded.event_created, excluded.event_rank) > ({table}.event_created, {table}.event_rank) \
         OR excluded.event_id = {table}.event_id OR {table}.event_id = ${over}{text})",
        columns = all.join(", "),
        values = values_clause::<D>(s),
        set = set.join(", "),
        over = all.len() + 1,
        text = sql!(D; {text}),
    )
}

fn tombstone_sql<D: Dialect>(s: &Snapshot) -> String {
    let table = s.kind.table;
    let newer = format!(
        "(excluded.event_created, excluded.event_rank, excluded.event_id) > \
         ({table}.event_created, {table}.event_rank, {table}.event_id)"
    );
    format!(
        "INSERT INTO {table} ({columns}) VALUES ({values}) \
         ON CONFLICT (id) DO UPDATE SET deleted = TRUE, deleted_at = excluded.deleted_at, \
         event_created = CASE WHEN {newer} THEN excluded.event_created ELSE {table}.event_created END, \
         event_rank = CASE WHEN {newer} THEN excluded.event_rank ELSE {table}.event_rank END, \
         event_id = CASE WHEN {newer} THEN excluded.event_id ELSE {table}.event_id END, \
         synced_at = excluded.synced_at \
         WHERE {table}.deleted = FALSE",
        columns = columns(s).join(", "),
        values = values_clause::<D>(s),
    )
}

/// Binds the snapshot in [`columns`] order (and, for the upsert, `over`: see [`statement`]), and
/// runs its upsert or tombstone statement.
async fn execute(
    tx: &mut Tx<'_>,
    s: &Snapshot,
    deleted: bool,
    deleted_at: Option<i64>,
    over: Option<&str>,
) -> Result<bool, sqlx::Error> {
    let now = Utc::now();
    let affected = dispatch!(TxConn, tx.conn_mut(), |conn, D| {
        let mut q = sqlx::query(sqlx::AssertSqlSafe(statement::<D>(s, deleted)))
            .bind(&s.id)
            .bind(&s.object)
            .bind(&s.account)
            .bind(s.livemode)
            .bind(s.created)
            .bind(&s.metadata);
        for value in &s.values {
            q = match value {
                ColumnValue::Text(v) => q.bind(v.clone()),
                ColumnValue::Integer(v) => q.bind(*v),
                ColumnValue::Float(v) => q.bind(*v),
                ColumnValue::Boolean(v) => q.bind(*v),
            };
        }
        q = q
            .bind(&s.data)
            .bind(deleted)
            .bind(deleted_at)
            .bind(s.event_created)
            .bind(s.event_rank)
            .bind(&s.event_id)
            .bind(D::time(now));
        if !deleted {
            q = q.bind(over);
        }
        q.execute(&mut **conn).await?.rows_affected()
    });
    Ok(affected > 0)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{settle, Settled};

    #[test]
    fn previous_attributes_say_which_update_came_last() {
        let trialing = json!({"id": "sub_1", "status": "trialing", "metadata": {"plan": "a"}});
        let active = json!({"id": "sub_1", "status": "active", "metadata": {"plan": "a"}});
        let from_trialing = json!({"status": "trialing"});
        let from_incomplete = json!({"status": "incomplete"});
        // Stored trialing; the incoming update moved trialing -> active: it follows.
        assert_eq!(
            settle(
                &trialing,
                Some(&from_incomplete),
                &active,
                Some(&from_trialing)
            ),
            Settled::Incoming
        );
        // Stored active (its update came from trialing); the incoming one made trialing: the
        // stored one follows it.
        assert_eq!(
            settle(
                &active,
                Some(&from_trialing),
                &trialing,
                Some(&from_incomplete)
            ),
            Settled::Stored
        );
        // Neither names the other's state; an empty or absent previous_attributes says nothing.
        let from_past_due = json!({"status": "past_due"});
        assert_eq!(
            settle(
                &active,
                Some(&from_past_due),
                &trialing,
                Some(&from_past_due)
            ),
            Settled::Undecided
        );
        assert_eq!(
            settle(&active, None, &trialing, Some(&json!({}))),
            Settled::Undecided
        );
        assert_eq!(settle(&active, None, &trialing, None), Settled::Undecided);
    }

    #[test]
    fn nested_objects_match_member_by_member_arrays_whole_and_null_absent() {
        let stored =
            json!({"metadata": {"plan": "a", "seats": "3"}, "items": [1, 2], "pause": null});
        let incoming = json!({});
        let follows = |previous: serde_json::Value| {
            settle(&stored, None, &incoming, Some(&previous)) == Settled::Incoming
        };
        assert!(follows(json!({"metadata": {"plan": "a"}})));
        assert!(!follows(json!({"metadata": {"plan": "b"}})));
        assert!(follows(json!({"items": [1, 2]})));
        assert!(!follows(json!({"items": [1]})));
        assert!(
            follows(json!({"cancel_at": null})),
            "null: the attribute was unset"
        );
        assert!(!follows(json!({"cancel_at": 5})));
        assert!(follows(
            json!({"metadata": {"coupon": null}, "pause": null})
        ));
    }
}
