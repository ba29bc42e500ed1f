//! `stripe_webhook_deliveries`: the delivery log.

use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqliteConnection};
use uuid::Uuid;

use super::{format_time, parse_time};
use crate::db::Db;
use crate::delivery::{Delivery, Outcome};
use crate::tx::TxConn;
use crate::Tx;

/// Inserts the delivery row inside the webhook's transaction (so a processed webhook costs one
/// commit).
///
/// # Errors
/// The database error.
pub(crate) async fn insert(tx: &mut Tx<'_>, d: &Delivery) -> Result<(), sqlx::Error> {
    match tx.conn_mut() {
        TxConn::Sqlite(conn) => insert_sqlite(conn, d).await,
    }
}

/// Inserts the delivery row in its own transaction (validation failures, and failures recorded
/// after a rollback).
///
/// # Errors
/// The database error.
pub(crate) async fn insert_alone(db: &Db, d: &Delivery) -> Result<(), sqlx::Error> {
    match db {
        Db::Sqlite(db) => {
            let mut conn = db.writer().acquire().await?;
            insert_sqlite(&mut conn, d).await
        }
    }
}

async fn insert_sqlite(conn: &mut SqliteConnection, d: &Delivery) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO stripe_webhook_deliveries (id, endpoint_uuid, received_at, remote_ip, headers, \
         body, valid, outcome, event_id, event_type, error, error_detail) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )
    .bind(d.id.to_string())
    .bind(d.endpoint_uuid.to_string())
    .bind(format_time(d.received_at))
    .bind(&d.remote_ip)
    .bind(d.headers.to_string())
    .bind(&d.body)
    .bind(d.valid)
    .bind(d.outcome.as_str())
    .bind(&d.event_id)
    .bind(&d.event_type)
    .bind(&d.error)
    .bind(&d.error_detail)
    .execute(conn)
    .await?;
    Ok(())
}

/// Which deliveries [`list`] returns.
#[derive(Debug, Clone, Default)]
pub struct DeliveryFilter {
    /// Only `failed` deliveries.
    pub failed_only: bool,
    /// Only this event id.
    pub event_id: Option<String>,
    /// At most this many rows (newest first).
    pub limit: u32,
}

/// Deliveries, newest first.
///
/// # Errors
/// The database error.
pub async fn list(db: &Db, filter: &DeliveryFilter) -> Result<Vec<Delivery>, sqlx::Error> {
    match db {
        Db::Sqlite(db) => sqlx::query(
            "SELECT * FROM stripe_webhook_deliveries \
             WHERE (?1 = 0 OR outcome = 'failed') AND (?2 IS NULL OR event_id = ?2) \
             ORDER BY received_at DESC, id DESC LIMIT ?3",
        )
        .bind(filter.failed_only)
        .bind(&filter.event_id)
        .bind(i64::from(filter.limit))
        .fetch_all(db.reader())
        .await?
        .iter()
        .map(from_sqlite)
        .collect(),
    }
}

/// One delivery by id.
///
/// # Errors
/// The database error.
pub async fn get(db: &Db, id: Uuid) -> Result<Option<Delivery>, sqlx::Error> {
    match db {
        Db::Sqlite(db) => sqlx::query("SELECT * FROM stripe_webhook_deliveries WHERE id = ?1")
            .bind(id.to_string())
            .fetch_optional(db.reader())
            .await?
            .as_ref()
            .map(from_sqlite)
            .transpose(),
    }
}

fn from_sqlite(row: &SqliteRow) -> Result<Delivery, sqlx::Error> {
    let decode = |column: &str, e: String| sqlx::Error::ColumnDecode {
        index: column.to_owned(),
        source: e.into(),
    };
    let id: String = row.try_get("id")?;
    let endpoint: String = row.try_get("endpoint_uuid")?;
    let headers: String = row.try_get("headers")?;
    let outcome: String = row.try_get("outcome")?;
    Ok(Delivery {
        id: Uuid::parse_str(&id).map_err(|e| decode("id", e.to_string()))?,
        endpoint_uuid: Uuid::parse_str(&endpoint)
            .map_err(|e| decode("endpoint_uuid", e.to_string()))?,
        received_at: parse_time(&row.try_get::<String, _>("received_at")?),
        remote_ip: row.try_get("remote_ip")?,
        headers: serde_json::from_str(&headers).map_err(|e| decode("headers", e.to_string()))?,
        body: row.try_get("body")?,
        valid: row.try_get("valid")?,
        outcome: Outcome::parse(&outcome).ok_or_else(|| decode("outcome", outcome.clone()))?,
        event_id: row.try_get("event_id")?,
        event_type: row.try_get("event_type")?,
        error: row.try_get("error")?,
        error_detail: row.try_get("error_detail")?,
    })
}
