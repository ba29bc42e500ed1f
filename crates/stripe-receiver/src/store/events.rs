//! `stripe_events`: each Stripe event stored once, by id.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::db::{dispatch, sql, sql_for, Db};
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

/// A row as both backends return it ([`columns`] reads `data` as text).
#[derive(sqlx::FromRow)]
struct Row {
    id: String,
    #[sqlx(rename = "type")]
    type_: String,
    api_version: Option<String>,
    livemode: bool,
    account: Option<String>,
    created: i64,
    request_id: Option<String>,
    idempotency_key: Option<String>,
    data: String,
    body_hash: String,
    received_at: DateTime<Utc>,
}

/// The columns of [`Row`].
macro_rules! columns {
    ($backend:ident) => {
        sql_for!($backend; "id, type, api_version, livemode, account, created, request_id, \
            idempotency_key, " {text data} ", body_hash, received_at")
    };
}

/// Inserts the event unless its id is already stored. Returns `true` if this call inserted it.
///
/// On PostgreSQL, if another transaction inserted the same id and has not finished, this waits
/// for it: it returns `false` once that one commits, or inserts once it rolls back. So concurrent
/// duplicates never race, and no unique-key error escapes.
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
    skipped: bool,
) -> Result<bool, sqlx::Error> {
    let done = dispatch!(TxConn, tx.conn_mut(), |conn, D| sqlx::query(sql!(D;
        "INSERT INTO stripe_events (id, type, api_version, livemode, account, created, \
         request_id, idempotency_key, data, body_hash, received_at, skipped) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9" {json} ", $10, $11, $12) \
         ON CONFLICT (id) DO NOTHING"))
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
    .bind(D::time(received_at))
    .bind(skipped)
    .execute(&mut **conn)
    .await?
    .rows_affected());
    Ok(done == 1)
}

/// What a duplicate is compared against: the stored type, `created`, data and body hash; and
/// whether the event was stored without processing (livemode mismatch).
#[derive(sqlx::FromRow)]
pub(crate) struct StoredIdentity {
    #[sqlx(rename = "type")]
    pub type_: String,
    pub created: i64,
    pub data: String,
    pub body_hash: String,
    pub skipped: bool,
}

/// The identity of a stored event, read inside the transaction.
///
/// # Errors
/// The database error.
pub(crate) async fn identity(
    tx: &mut Tx<'_>,
    id: &str,
) -> Result<Option<StoredIdentity>, sqlx::Error> {
    dispatch!(TxConn, tx.conn_mut(), |conn, D| sqlx::query_as(sql!(D;
        "SELECT type, created, " {text data} ", body_hash, skipped FROM stripe_events \
         WHERE id = $1"))
    .bind(id)
    .fetch_optional(&mut **conn)
    .await)
}

/// Takes over a skipped event for processing: clears its `skipped` flag. Returns `true` if this
/// call cleared it; a concurrent claimant waits on the row and then gets `false`.
///
/// # Errors
/// The database error.
pub(crate) async fn claim_skipped(tx: &mut Tx<'_>, id: &str) -> Result<bool, sqlx::Error> {
    let done = dispatch!(TxConn, tx.conn_mut(), |conn, _D| sqlx::query(
        "UPDATE stripe_events SET skipped = false WHERE id = $1 AND skipped"
    )
    .bind(id)
    .execute(&mut **conn)
    .await?
    .rows_affected());
    Ok(done == 1)
}

/// The stored event with this id.
///
/// # Errors
/// The database error.
pub async fn get(db: &Db, id: &str) -> Result<Option<StoredEvent>, sqlx::Error> {
    let row: Option<Row> = dispatch!(Db, db, |db, D| sqlx::query_as(sql!(D;
        "SELECT " {columns!} " FROM stripe_events WHERE id = $1"))
    .bind(id)
    .fetch_optional(db.read_pool())
    .await?);
    Ok(row.map(Row::into_event))
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
    let rows: Vec<Row> = dispatch!(Db, db, |db, D| sqlx::query_as(sql!(D;
        "SELECT " {columns!} " FROM stripe_events WHERE ($1" {text} " IS NULL OR type = $1) \
         ORDER BY received_at DESC, id DESC LIMIT $2"))
    .bind(event_type)
    .bind(i64::from(limit))
    .fetch_all(db.read_pool())
    .await?);
    Ok(rows.into_iter().map(Row::into_event).collect())
}

impl Row {
    fn into_event(self) -> StoredEvent {
        StoredEvent {
            data: serde_json::from_str(&self.data).unwrap_or(serde_json::Value::String(self.data)),
            id: self.id,
            type_: self.type_,
            api_version: self.api_version,
            livemode: self.livemode,
            account: self.account,
            created: self.created,
            request_id: self.request_id,
            idempotency_key: self.idempotency_key,
            body_hash: self.body_hash,
            received_at: self.received_at,
        }
    }
}
