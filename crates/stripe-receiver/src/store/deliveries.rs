//! `stripe_webhook_deliveries`: the delivery log.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::db::{column_error, dispatch, sql, sql_for, Db, TxConn};
use crate::delivery::{Delivery, Outcome};
use crate::Tx;

/// Inserts the delivery row inside the webhook's transaction (so a processed webhook costs one
/// commit).
///
/// # Errors
/// The database error.
pub(crate) async fn insert(tx: &mut Tx<'_>, d: &Delivery) -> Result<(), sqlx::Error> {
    insert_many(tx.conn_mut(), std::slice::from_ref(d)).await
}

/// Inserts delivery rows with one statement per 500 rows: one row for a webhook's own
/// transaction, a group commit's whole batch (one round trip instead of one per webhook).
///
/// # Errors
/// The database error; inside a transaction, none of the rows is then written.
pub(crate) async fn insert_many(
    conn: &mut TxConn<'_>,
    rows: &[Delivery],
) -> Result<(), sqlx::Error> {
    /// Rows per statement: 12 parameters each stays far below SQLite's 32,766 and PostgreSQL's
    /// 65,535 parameters per statement.
    const CHUNK: usize = 500;
    const COLUMNS: &str = "INSERT INTO stripe_webhook_deliveries (id, endpoint_uuid, received_at, \
        remote_ip, headers, body, valid, outcome, event_id, event_type, error, error_detail) ";
    for chunk in rows.chunks(CHUNK) {
        dispatch!(TxConn, &mut *conn, |conn, D| {
            let mut query = sqlx::QueryBuilder::<D>::new(COLUMNS);
            query.push_values(chunk, |mut row, d| {
                row.push_bind(D::uuid(d.id))
                    .push_bind(D::uuid(d.endpoint_uuid))
                    .push_bind(D::time(d.received_at))
                    .push_bind(&d.remote_ip)
                    .push_unseparated(sql!(D; {inet}))
                    .push_bind(d.headers.to_string())
                    .push_unseparated(sql!(D; {json}))
                    .push_bind(&d.body)
                    .push_bind(d.valid)
                    .push_bind(d.outcome.as_str())
                    .push_bind(&d.event_id)
                    .push_bind(&d.event_type)
                    .push_bind(&d.error)
                    .push_bind(&d.error_detail);
            });
            query.build().execute(&mut **conn).await?;
        });
    }
    Ok(())
}

/// Inserts the delivery row in its own transaction (validation failures, and failures recorded
/// after a rollback).
///
/// # Errors
/// The database error.
pub(crate) async fn insert_alone(db: &Db, d: &Delivery) -> Result<(), sqlx::Error> {
    let rows = std::slice::from_ref(d);
    dispatch!(Db, db, |db, _D| {
        let mut conn = db.write_pool().acquire().await?;
        insert_many(&mut TxConn::from(&mut *conn), rows).await
    })
}

/// Records the failures of a committed delivery's after-commit actions.
///
/// # Errors
/// The database error.
pub(crate) async fn record_after_commit_error(
    db: &Db,
    id: Uuid,
    text: &str,
) -> Result<(), sqlx::Error> {
    dispatch!(Db, db, |db, D| sqlx::query(
        "UPDATE stripe_webhook_deliveries SET after_commit_error = $2 WHERE id = $1"
    )
    .bind(D::uuid(id))
    .bind(text)
    .execute(db.write_pool())
    .await
    .map(drop)?);
    Ok(())
}

/// Which deliveries [`list`] returns.
#[derive(Debug, Clone, Default)]
pub struct DeliveryFilter {
    /// Only `failed` deliveries.
    pub failed_only: bool,
    /// Only deliveries of this event id: those that committed or repeated it (`event_id`) and
    /// failed attempts at it (whose `error_detail` starts with `event <id>:`).
    pub event_id: Option<String>,
    /// At most this many rows (newest first).
    pub limit: u32,
}

/// A row as both backends return it ([`columns`] reads uuid, inet and jsonb as text).
#[derive(sqlx::FromRow)]
struct Row {
    id: String,
    endpoint_uuid: String,
    received_at: DateTime<Utc>,
    remote_ip: Option<String>,
    headers: String,
    body: Vec<u8>,
    valid: bool,
    outcome: String,
    event_id: Option<String>,
    event_type: Option<String>,
    error: Option<String>,
    error_detail: Option<String>,
    after_commit_error: Option<String>,
}

/// The columns of [`Row`].
macro_rules! columns {
    ($backend:ident) => {
        sql_for!($backend; {text id} ", " {text endpoint_uuid} ", received_at, " {host remote_ip}
            ", " {text headers} ", body, valid, outcome, event_id, event_type, error, \
            error_detail, after_commit_error")
    };
}

/// Deliveries, newest first.
///
/// # Errors
/// The database error.
pub async fn list(db: &Db, filter: &DeliveryFilter) -> Result<Vec<Delivery>, sqlx::Error> {
    let rows: Vec<Row> = dispatch!(Db, db, |db, D| sqlx::query_as(sql!(D;
        "SELECT " {columns!} " FROM stripe_webhook_deliveries \
         WHERE (NOT $1 OR outcome = 'failed') \
         AND ($2" {text} " IS NULL OR event_id = $2 \
           OR substr(error_detail, 1, length($2) + 7) = 'event ' || $2 || ':') \
         ORDER BY received_at DESC, id DESC LIMIT $3"))
    .bind(filter.failed_only)
    .bind(&filter.event_id)
    .bind(i64::from(filter.limit))
    .fetch_all(db.read_pool())
    .await?);
    rows.into_iter().map(Row::into_delivery).collect()
}

/// One delivery by id.
///
/// # Errors
/// The database error.
pub async fn get(db: &Db, id: Uuid) -> Result<Option<Delivery>, sqlx::Error> {
    let row: Option<Row> = dispatch!(Db, db, |db, D| sqlx::query_as(sql!(D;
        "SELECT " {columns!} " FROM stripe_webhook_deliveries WHERE id = $1"))
    .bind(D::uuid(id))
    .fetch_optional(db.read_pool())
    .await?);
    row.map(Row::into_delivery).transpose()
}

impl Row {
    fn into_delivery(self) -> Result<Delivery, sqlx::Error> {
        Ok(Delivery {
            id: Uuid::parse_str(&self.id).map_err(|e| column_error("id", e))?,
            endpoint_uuid: Uuid::parse_str(&self.endpoint_uuid)
                .map_err(|e| column_error("endpoint_uuid", e))?,
            received_at: self.received_at,
            remote_ip: self.remote_ip,
            headers: serde_json::from_str(&self.headers).map_err(|e| column_error("headers", e))?,
            body: self.body,
            valid: self.valid,
            outcome: Outcome::parse(&self.outcome)
                .ok_or_else(|| column_error("outcome", &self.outcome))?,
            event_id: self.event_id,
            event_type: self.event_type,
            error: self.error,
            error_detail: self.error_detail,
            after_commit_error: self.after_commit_error,
        })
    }
}
