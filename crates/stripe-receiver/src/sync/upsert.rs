//! The guarded writes of a [`Snapshot`], one statement each, generated from its
//! [`ObjectKind`](super::kind::ObjectKind), the same for both backends but for the dialect's
//! `jsonb` casts.
//!
//! The ordering guard is part of the statement (`INSERT ... ON CONFLICT (id) DO UPDATE ...
//! WHERE guard`), so it holds under concurrency too: on PostgreSQL a concurrent writer of the
//! same id waits on the row and then evaluates the guard against the committed version.
//!
//! - Upsert: applies when the row is absent, or is not a tombstone and the stored
//!   `(event_created, event_id)` is less than or equal to the incoming one (compared as a pair:
//!   `created` first, then the event id byte-wise). Equal pairs are the same event: rewriting
//!   it is idempotent, which is what a re-sync needs.
//! - Tombstone: a full payload is first upserted as above, then the row is marked deleted
//!   (inserted as a tombstone if absent). Marking applies to any row not yet deleted, whatever
//!   its guard, since deletion is final; the guard columns keep the greater pair.

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex, PoisonError};

use chrono::Utc;

use super::plan::Write;
use super::snapshot::{ColumnValue, Snapshot};
use crate::db::{dispatch, sql, Backend, Dialect};
use crate::Tx;

/// Writes one snapshot. Returns whether a row changed.
///
/// # Errors
/// The database error.
pub(crate) async fn write(
    tx: &mut Tx<'_>,
    s: &Snapshot,
    write: Write,
) -> Result<bool, sqlx::Error> {
    match write {
        Write::Upsert => execute(tx, s, false, None).await,
        Write::Tombstone { deleted_at, stub } => {
            let mut changed = false;
            if !stub {
                changed |= execute(tx, s, false, None).await?;
            }
            changed |= execute(tx, s, true, Some(deleted_at)).await?;
            Ok(changed)
        }
    }
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
         AND (excluded.event_created, excluded.event_id) >= ({table}.event_created, {table}.event_id)",
        columns = all.join(", "),
        values = values_clause::<D>(s),
        set = set.join(", "),
    )
}

fn tombstone_sql<D: Dialect>(s: &Snapshot) -> String {
    let table = s.kind.table;
    let newer = format!(
        "(excluded.event_created, excluded.event_id) > ({table}.event_created, {table}.event_id)"
    );
    format!(
        "INSERT INTO {table} ({columns}) VALUES ({values}) \
         ON CONFLICT (id) DO UPDATE SET deleted = TRUE, deleted_at = excluded.deleted_at, \
         event_created = CASE WHEN {newer} THEN excluded.event_created ELSE {table}.event_created END, \
         event_id = CASE WHEN {newer} THEN excluded.event_id ELSE {table}.event_id END, \
         synced_at = excluded.synced_at \
         WHERE {table}.deleted = FALSE",
        columns = columns(s).join(", "),
        values = values_clause::<D>(s),
    )
}

/// Binds the snapshot in [`columns`] order and runs its upsert or tombstone statement.
async fn execute(
    tx: &mut Tx<'_>,
    s: &Snapshot,
    deleted: bool,
    deleted_at: Option<i64>,
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
        q.bind(&s.data)
            .bind(deleted)
            .bind(deleted_at)
            .bind(s.event_created)
            .bind(&s.event_id)
            .bind(D::time(now))
            .execute(&mut **conn)
            .await?
            .rows_affected()
    });
    Ok(affected > 0)
}
