//! Listings of synced objects outside a webhook (the CLI's `objects list` and `objects show`),
//! on the pools.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::kind::ObjectKind;
use super::kinds::KINDS;
use super::read::SyncedRow;
use crate::db::{dispatch, sql, sql_for, Db};

/// A synced row as the CLI shows it.
#[derive(Debug, Clone, Serialize)]
pub struct ObjectRow {
    /// The table.
    pub table: &'static str,
    /// Stripe's id.
    pub id: String,
    /// The object's `object` member.
    pub object: String,
    /// The connected account, for Connect events.
    pub account: Option<String>,
    /// Live or test mode.
    pub livemode: bool,
    /// The object's `created`, Unix seconds.
    pub created: Option<i64>,
    /// Tombstone flag.
    pub deleted: bool,
    /// The deleting event's `created`, Unix seconds.
    pub deleted_at: Option<i64>,
    /// The event that last wrote the row.
    pub event_id: String,
    /// That event's `created`, Unix seconds.
    pub event_created: i64,
    /// When the row was last written.
    pub synced_at: DateTime<Utc>,
    /// The whole object.
    pub data: serde_json::Value,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: String,
    object: String,
    livemode: bool,
    created: Option<i64>,
    #[sqlx(flatten)]
    synced: SyncedRow,
}

/// The columns of [`Row`].
macro_rules! columns {
    ($backend:ident) => {
        sql_for!($backend; "id, object, account, livemode, created, deleted, deleted_at, \
            event_id, event_created, synced_at, " {text data})
    };
}

/// The rows of `kind`'s table, most recently written first, optionally of one account.
///
/// # Errors
/// The database error.
pub async fn list(
    db: &Db,
    kind: &'static ObjectKind,
    account: Option<&str>,
    limit: u32,
) -> Result<Vec<ObjectRow>, sqlx::Error> {
    let table = kind.table;
    let rows: Vec<Row> = dispatch!(Db, db, |db, D| sqlx::query_as(sqlx::AssertSqlSafe(
        format!(
            "SELECT {columns} FROM {table} WHERE ($1{text} IS NULL OR account = $1) \
         ORDER BY event_created DESC, id DESC LIMIT $2",
            columns = sql!(D; {columns!}),
            text = sql!(D; {text}),
        )
    ))
    .bind(account)
    .bind(i64::from(limit))
    .fetch_all(db.read_pool())
    .await?);
    Ok(rows.into_iter().map(|row| row.into_object(table)).collect())
}

/// The row with this id in `kind`'s table, or in any synced table when `kind` is `None`.
///
/// # Errors
/// The database error.
pub async fn show(
    db: &Db,
    kind: Option<&'static ObjectKind>,
    id: &str,
) -> Result<Option<ObjectRow>, sqlx::Error> {
    let kinds: Vec<&'static ObjectKind> = match kind {
        Some(kind) => vec![kind],
        None => KINDS.to_vec(),
    };
    for kind in kinds {
        let table = kind.table;
        let row: Option<Row> = dispatch!(Db, db, |db, D| sqlx::query_as(sqlx::AssertSqlSafe(
            format!("SELECT {} FROM {table} WHERE id = $1", sql!(D; {columns!}))
        ))
        .bind(id)
        .fetch_optional(db.read_pool())
        .await?);
        if let Some(row) = row {
            return Ok(Some(row.into_object(table)));
        }
    }
    Ok(None)
}

impl Row {
    fn into_object(self, table: &'static str) -> ObjectRow {
        let SyncedRow(synced) = self.synced;
        ObjectRow {
            table,
            data: synced.data,
            id: self.id,
            object: self.object,
            account: synced.account,
            livemode: self.livemode,
            created: self.created,
            deleted: synced.deleted,
            deleted_at: synced.deleted_at,
            event_id: synced.event_id,
            event_created: synced.event_created,
            synced_at: synced.synced_at,
        }
    }
}
