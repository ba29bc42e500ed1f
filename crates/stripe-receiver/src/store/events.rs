//! `stripe_events`: each Stripe event stored once, by id.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::db::{dispatch, sql, Db, TxConn};
use crate::{Event, Tx};

/// A row of `stripe_events`.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct StoredEvent {
    /// `evt_...`.
    pub id: String,
    /// The event type.
    #[serde(rename = "type")]
    #[sqlx(rename = "type")]
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
    #[sqlx(json)]
    pub data: serde_json::Value,
    /// Hex SHA-256 of the body first stored for this id.
    pub body_hash: String,
    /// When it was stored.
    pub received_at: DateTime<Utc>,
}

/// The columns of [`StoredEvent`] (`data` as stored: `jsonb`, or JSON text on SQLite).
macro_rules! columns {
    ($backend:ident) => {
        "id, type, api_version, livemode, account, created, request_id, idempotency_key, data, \
         body_hash, received_at"
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
    dispatch!(Db, db, |db, _D| {
        let mut conn = db.read_pool().acquire().await?;
        by_id(&mut TxConn::from(&mut *conn), id).await
    })
}

/// The stored event with this id as an [`Event`] (without the request it came from), read
/// inside the transaction; `Ok(None)` when there is none, `Ok(Some(Err))` when its data is not
/// an event's.
///
/// # Errors
/// The database error.
#[cfg(feature = "sync")] // re-sync is its only reader
pub(crate) async fn load(
    tx: &mut Tx<'_>,
    id: &str,
) -> Result<Option<Result<Event, serde_json::Error>>, sqlx::Error> {
    let Some(stored) = by_id(tx.conn_mut(), id).await? else {
        return Ok(None);
    };
    Ok(Some(stored.into_event()))
}

/// The stored event with this id, on `conn`.
async fn by_id(conn: &mut TxConn<'_>, id: &str) -> Result<Option<StoredEvent>, sqlx::Error> {
    dispatch!(TxConn, conn, |conn, D| sqlx::query_as(sql!(D;
        "SELECT " {columns!} " FROM stripe_events WHERE id = $1"))
    .bind(id)
    .fetch_optional(&mut **conn)
    .await)
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
    dispatch!(Db, db, |db, D| sqlx::query_as(sql!(D;
        "SELECT " {columns!} " FROM stripe_events WHERE ($1" {text} " IS NULL OR type = $1) \
         ORDER BY received_at DESC, id DESC LIMIT $2"))
    .bind(event_type)
    .bind(i64::from(limit))
    .fetch_all(db.read_pool())
    .await)
}

impl StoredEvent {
    /// The event as receivers see it (without the request it came from), when `data` is an
    /// event's. The row's members are named as the event's (`type` included; this is also
    /// what `events show --json` prints), so [`Event`]'s own deserializer reads them, the one
    /// mapping from members to an event; `request_id` and `idempotency_key` are not its
    /// `request`, which stays empty.
    #[cfg(feature = "sync")]
    fn into_event(self) -> Result<Event, serde_json::Error> {
        serde_json::to_value(self).and_then(serde_json::from_value)
    }
}

#[cfg(all(test, feature = "sync"))]
mod tests {
    use chrono::TimeZone;
    use serde_json::json;

    use super::StoredEvent;
    use crate::event::EventRequest;

    fn stored(data: serde_json::Value) -> StoredEvent {
        StoredEvent {
            id: "evt_1".into(),
            type_: "customer.updated".into(),
            api_version: Some("2024-06-20".into()),
            livemode: true,
            account: Some("acct_1".into()),
            created: 1_700_000_000,
            request_id: Some("req_1".into()),
            idempotency_key: Some("key_1".into()),
            data,
            body_hash: "00".repeat(32),
            received_at: chrono::Utc.timestamp_opt(1_700_000_001, 0).unwrap(),
        }
    }

    #[test]
    fn a_stored_event_reads_back_as_the_event_it_was() {
        let data = json!({
            "object": {"id": "cus_1", "object": "customer"},
            "previous_attributes": {"email": null},
        });
        let event = stored(data.clone()).into_event().unwrap();
        assert_eq!(event.id, "evt_1");
        assert_eq!(event.type_, "customer.updated");
        assert_eq!(event.api_version.as_deref(), Some("2024-06-20"));
        assert!(event.livemode);
        assert_eq!(event.account.as_deref(), Some("acct_1"));
        assert_eq!(event.created, 1_700_000_000);
        assert_eq!(event.request, EventRequest::default());
        assert_eq!(event.data.object, data["object"]);
        assert_eq!(
            event.data.previous_attributes,
            Some(data["previous_attributes"].clone())
        );

        let mut platform = stored(json!({"object": {"id": "cus_1"}}));
        (platform.api_version, platform.account) = (None, None);
        let event = platform.into_event().unwrap();
        assert_eq!((event.api_version, event.account), (None, None));
        assert_eq!(event.data.previous_attributes, None);
    }

    #[test]
    fn data_that_is_not_an_events_is_an_error() {
        let error = stored(json!({"objects": []})).into_event().unwrap_err();
        assert!(error.to_string().contains("object"), "{error}");
    }
}
