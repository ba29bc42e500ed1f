//! `stripe_events`: each Stripe event stored once, by id.

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::sqlite::SqliteRow;
use sqlx::Row;

use super::{format_time, parse_time};
use crate::db::Db;
use crate::tx::TxConn;
use crate::{Event, Tx};

/// A row of `stripe_events`.
#[derive(Debug, Clone, Serialize)]
pub struct StoredEvent {
    /// `evt_...`.
    pub id: String,
    /// The event type.
    #[serde(rename = "type")]
    pub type_: String,
    /// The API version, if the event carried one.
    pub api_version: Option<String>,
    /// Live or test mode.
    pub livemode: bool,
    /// Connected account, for Connect events.
    pub account: Option<String>,
    /// Stripe's `created`, Unix seconds.
    pub created: i64,
    /// The API request id, if any.
    pub request_id: Option<String>,
    /// The request's idempotency key, if any.
    pub idempotency_key: Option<String>,
    /// `event.data` as JSON.
    pub data: serde_json::Value,
    /// Hex SHA-256 of the body first stored for this id.
    pub body_hash: String,
    /// When it was stored.
    pub received_at: DateTime<Utc>,
}

/// Inserts the event unless its id is already stored. Returns `true` if this call inserted it.
///
/// `data_json` is `event.data` serialized; `body_hash` the hex SHA-256 of the raw body.
///
/// # Errors
/// The database error.
pub(crate) async fn insert_if_absent(
    tx: &mut Tx<'_>,
    event: &Event,
    data_json: &str,
    body_hash: &str,
    received_at: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    match tx.conn_mut() {
        TxConn::Sqlite(conn) => {
            let done = sqlx::query(
                "INSERT INTO stripe_events (id, type, api_version, livemode, account, created, \
                 request_id, idempotency_key, data, body_hash, received_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) ON CONFLICT (id) DO NOTHING",
            )
            .bind(&event.id)
            .bind(&event.type_)
            .bind(&event.api_version)
            .bind(event.livemode)
            .bind(&event.account)
            .bind(event.created)
            .bind(&event.request.id)
            .bind(&event.request.idempotency_key)
            .bind(data_json)
            .bind(body_hash)
            .bind(format_time(received_at))
            .execute(&mut **conn)
            .await?;
            Ok(done.rows_affected() == 1)
        }
    }
}

/// What a duplicate is compared against: the stored type, `created`, data and body hash.
pub(crate) struct StoredIdentity {
    pub type_: String,
    pub created: i64,
    pub data: String,
    pub body_hash: String,
}

/// The identity of a stored event, read inside the transaction.
///
/// # Errors
/// The database error.
pub(crate) async fn identity(
    tx: &mut Tx<'_>,
    id: &str,
) -> Result<Option<StoredIdentity>, sqlx::Error> {
    match tx.conn_mut() {
        TxConn::Sqlite(conn) => {
            let row = sqlx::query(
                "SELECT type, created, data, body_hash FROM stripe_events WHERE id = ?1",
            )
            .bind(id)
            .fetch_optional(&mut **conn)
            .await?;
            row.map(|r| {
                Ok(StoredIdentity {
                    type_: r.try_get("type")?,
                    created: r.try_get("created")?,
                    data: r.try_get("data")?,
                    body_hash: r.try_get("body_hash")?,
                })
            })
            .transpose()
        }
    }
}

/// The stored event with this id.
///
/// # Errors
/// The database error.
pub async fn get(db: &Db, id: &str) -> Result<Option<StoredEvent>, sqlx::Error> {
    match db {
        Db::Sqlite(db) => sqlx::query("SELECT * FROM stripe_events WHERE id = ?1")
            .bind(id)
            .fetch_optional(db.reader())
            .await?
            .as_ref()
            .map(from_sqlite)
            .transpose(),
    }
}

/// The most recently received events, newest first, optionally of one type.
///
/// # Errors
/// The database error.
pub async fn list(
    db: &Db,
    event_type: Option<&str>,
    limit: u32,
) -> Result<Vec<StoredEvent>, sqlx::Error> {
    match db {
        Db::Sqlite(db) => sqlx::query(
            "SELECT * FROM stripe_events WHERE (?1 IS NULL OR type = ?1) \
             ORDER BY received_at DESC, id DESC LIMIT ?2",
        )
        .bind(event_type)
        .bind(i64::from(limit))
        .fetch_all(db.reader())
        .await?
        .iter()
        .map(from_sqlite)
        .collect(),
    }
}

fn from_sqlite(row: &SqliteRow) -> Result<StoredEvent, sqlx::Error> {
    let data: String = row.try_get("data")?;
    Ok(StoredEvent {
        id: row.try_get("id")?,
        type_: row.try_get("type")?,
        api_version: row.try_get("api_version")?,
        livemode: row.try_get("livemode")?,
        account: row.try_get("account")?,
        created: row.try_get("created")?,
        request_id: row.try_get("request_id")?,
        idempotency_key: row.try_get("idempotency_key")?,
        data: serde_json::from_str(&data).unwrap_or(serde_json::Value::String(data)),
        body_hash: row.try_get("body_hash")?,
        received_at: parse_time(&row.try_get::<String, _>("received_at")?),
    })
}
