//! `stripe_webhook_endpoints`: the endpoint store. A runtime reads and changes endpoints
//! through [`CachedEndpoints`](crate::CachedEndpoints) (`Runtime::endpoints`), the cache in front of these functions.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::config::Refetch;
use crate::db::{dispatch, sql, sql_for, Db};
use crate::endpoint::{Endpoint, EndpointSecret, NewEndpoint, ValidationMode};
use crate::signature::Secret;

/// How secrets are kept in the `secrets` JSON column.
#[derive(Serialize, Deserialize)]
struct StoredSecret {
    secret: String,
    expires_at: Option<i64>,
}

/// The `secrets` column's JSON for `secrets`.
fn secrets_json(secrets: &[EndpointSecret]) -> String {
    let stored: Vec<StoredSecret> = secrets
        .iter()
        .map(|s| StoredSecret {
            secret: s.secret.expose().to_owned(),
            expires_at: s.expires_at,
        })
        .collect();
    serde_json::to_string(&stored).expect("strings and integers serialize")
}

/// Errors reading or writing endpoints.
#[derive(Debug, thiserror::Error)]
pub enum EndpointStoreError {
    /// The database failed.
    #[error(transparent)]
    Db(#[from] sqlx::Error),
    /// A stored row does not decode (edited by hand?).
    #[error("endpoint {uuid}: stored column {column} is invalid: {reason}")]
    Corrupt {
        /// The endpoint.
        uuid: String,
        /// The column.
        column: &'static str,
        /// Why.
        reason: String,
    },
}

/// A row as both backends return it ([`columns`] reads uuid and jsonb columns as text).
#[derive(sqlx::FromRow)]
struct Row {
    uuid: String,
    stripe_id: Option<String>,
    url: String,
    secrets: String,
    livemode: bool,
    tolerance_secs: i64,
    validation: String,
    api_version: Option<String>,
    enabled_events: String,
    account: Option<String>,
    enabled: bool,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    deleted_at: Option<DateTime<Utc>>,
    refetch: Option<String>,
}

/// The columns of [`Row`].
macro_rules! columns {
    ($backend:ident) => {
        sql_for!($backend; {text uuid} ", stripe_id, url, " {text secrets} ", livemode, \
            tolerance_secs, validation, api_version, " {text enabled_events} ", account, \
            enabled, created_at, updated_at, deleted_at, refetch")
    };
}

/// Inserts a new endpoint with a fresh UUID v4 and returns it.
///
/// # Errors
/// The database error (e.g. a duplicate `stripe_id`).
pub async fn create(db: &Db, new: NewEndpoint) -> Result<Endpoint, EndpointStoreError> {
    create_with_uuid(db, Uuid::new_v4(), new).await
}

/// Inserts a new endpoint under `uuid`, chosen by the caller (an endpoint created on Stripe has
/// its URL, and so its UUID, before it is stored), and returns it.
///
/// # Errors
/// The database error (e.g. a duplicate `uuid` or `stripe_id`).
pub async fn create_with_uuid(
    db: &Db,
    uuid: Uuid,
    new: NewEndpoint,
) -> Result<Endpoint, EndpointStoreError> {
    let now = Utc::now();
    let endpoint = new.into_endpoint(uuid, now);
    let secrets = secrets_json(&endpoint.secrets);
    let events = serde_json::to_string(&endpoint.enabled_events).expect("strings serialize");
    let tolerance = i64::try_from(endpoint.tolerance_secs).unwrap_or(i64::MAX);
    dispatch!(Db, db, |db, D| {
        sqlx::query(sql!(D;
        "INSERT INTO stripe_webhook_endpoints (uuid, stripe_id, url, secrets, livemode, \
         tolerance_secs, validation, api_version, enabled_events, account, enabled, \
         created_at, updated_at, refetch) \
         VALUES ($1, $2, $3, $4" {json} ", $5, $6, $7, $8, $9" {json} ", $10, true, $11, $11, $12)"))
    .bind(D::uuid(uuid))
    .bind(&endpoint.stripe_id)
    .bind(&endpoint.url)
    .bind(secrets)
    .bind(endpoint.livemode)
    .bind(tolerance)
    .bind(endpoint.validation.as_str())
    .bind(&endpoint.api_version)
    .bind(events)
    .bind(&endpoint.account)
    .bind(D::time(now))
    .bind(endpoint.refetch.map(Refetch::as_str))
    .execute(db.write_pool())
    .await
    .map(drop)?
    });
    Ok(endpoint)
}

/// The endpoint with this UUID, enabled or not.
///
/// # Errors
/// The database error, or [`EndpointStoreError::Corrupt`].
pub async fn get(db: &Db, uuid: Uuid) -> Result<Option<Endpoint>, EndpointStoreError> {
    let row: Option<Row> = dispatch!(Db, db, |db, D| sqlx::query_as(sql!(D;
        "SELECT " {columns!} " FROM stripe_webhook_endpoints WHERE uuid = $1"))
    .bind(D::uuid(uuid))
    .fetch_optional(db.read_pool())
    .await?);
    row.map(Row::into_endpoint).transpose()
}

/// Every endpoint, oldest first.
///
/// # Errors
/// The database error, or [`EndpointStoreError::Corrupt`].
pub async fn list(db: &Db) -> Result<Vec<Endpoint>, EndpointStoreError> {
    let rows: Vec<Row> = dispatch!(Db, db, |db, D| sqlx::query_as(sql!(D;
        "SELECT " {columns!} " FROM stripe_webhook_endpoints ORDER BY created_at, uuid"))
    .fetch_all(db.read_pool())
    .await?);
    rows.into_iter().map(Row::into_endpoint).collect()
}

/// Enables or disables an endpoint. Returns `false` when no endpoint has this UUID or it was
/// deleted.
///
/// # Errors
/// The database error.
pub async fn set_enabled(db: &Db, uuid: Uuid, enabled: bool) -> Result<bool, EndpointStoreError> {
    update(db, uuid, Some(enabled), None).await
}

/// Replaces an endpoint's secrets (a secret roll). Returns `false` when no endpoint has this UUID
/// or it was deleted.
///
/// # Errors
/// The database error.
pub async fn set_secrets(
    db: &Db,
    uuid: Uuid,
    secrets: &[EndpointSecret],
) -> Result<bool, EndpointStoreError> {
    update(db, uuid, None, Some(secrets_json(secrets))).await
}

/// Sets what is given of `enabled` and the `secrets` JSON, and `updated_at`. Returns `false`
/// when no endpoint has this UUID, or when it was deleted (a tombstone is not changed).
async fn update(
    db: &Db,
    uuid: Uuid,
    enabled: Option<bool>,
    secrets_json: Option<String>,
) -> Result<bool, EndpointStoreError> {
    let done = dispatch!(Db, db, |db, D| sqlx::query(sql!(D;
        "UPDATE stripe_webhook_endpoints SET enabled = COALESCE($2, enabled), \
         secrets = COALESCE($3" {json} ", secrets), updated_at = $4 \
         WHERE uuid = $1 AND deleted_at IS NULL"))
    .bind(D::uuid(uuid))
    .bind(enabled)
    .bind(secrets_json)
    .bind(D::time(Utc::now()))
    .execute(db.write_pool())
    .await?
    .rows_affected());
    Ok(done > 0)
}

/// What [`change`] sets; `None` leaves a column as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EndpointChange {
    /// Stripe's id (`we_...`): set when an endpoint is linked to the one on Stripe.
    pub stripe_id: Option<String>,
    /// The full URL.
    pub url: Option<String>,
    /// The subscribed event types.
    pub enabled_events: Option<Vec<String>>,
    /// Enabled (Stripe's `status: enabled`) or disabled.
    pub enabled: Option<bool>,
    /// The pinned API version.
    pub api_version: Option<String>,
}

/// Sets what `change` gives, and `updated_at`. Returns `false` when no endpoint has this UUID
/// or it was deleted (a tombstone is not changed).
///
/// # Errors
/// The database error (e.g. a `stripe_id` another endpoint has).
pub async fn change(
    db: &Db,
    uuid: Uuid,
    change: &EndpointChange,
) -> Result<bool, EndpointStoreError> {
    let events = change
        .enabled_events
        .as_ref()
        .map(|e| serde_json::to_string(e).expect("strings serialize"));
    let done = dispatch!(Db, db, |db, D| sqlx::query(sql!(D;
        "UPDATE stripe_webhook_endpoints SET stripe_id = COALESCE($2, stripe_id), \
         url = COALESCE($3, url), enabled_events = COALESCE($4" {json} ", enabled_events), \
         enabled = COALESCE($5, enabled), api_version = COALESCE($6, api_version), \
         updated_at = $7 WHERE uuid = $1 AND deleted_at IS NULL"))
    .bind(D::uuid(uuid))
    .bind(&change.stripe_id)
    .bind(&change.url)
    .bind(&events)
    .bind(change.enabled)
    .bind(&change.api_version)
    .bind(D::time(Utc::now()))
    .execute(db.write_pool())
    .await?
    .rows_affected());
    Ok(done > 0)
}

/// What [`delete`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Deleted {
    /// No delivery refers to the endpoint: its row is gone.
    Removed,
    /// Deliveries refer to the endpoint: its row is kept as a tombstone (disabled, secrets
    /// cleared, `deleted_at` set) so that its delivery log stays whole. Its URL answers 404.
    KeptForDeliveries,
    /// It was deleted before (a tombstone): nothing changed.
    AlreadyDeleted,
    /// No endpoint has this UUID.
    NotFound,
}

/// Deletes an endpoint: removes its row when no delivery refers to it, else keeps the row as a
/// tombstone ([`Deleted::KeptForDeliveries`]): `stripe_webhook_deliveries.endpoint_uuid` is a
/// foreign key, and the delivery log is never cut short. The events its deliveries stored are
/// kept either way (they belong to no endpoint).
///
/// The row is removed in one statement; when the database refuses because a delivery refers to
/// it (a foreign-key violation, even from a delivery committed a moment before), the tombstone
/// is written instead.
///
/// # Errors
/// The database error.
pub async fn delete(db: &Db, uuid: Uuid) -> Result<Deleted, EndpointStoreError> {
    let removed = dispatch!(Db, db, |db, D| sqlx::query(
        "DELETE FROM stripe_webhook_endpoints WHERE uuid = $1 AND deleted_at IS NULL"
    )
    .bind(D::uuid(uuid))
    .execute(db.write_pool())
    .await
    .map(|done| done.rows_affected()));
    match removed {
        Ok(rows) if rows > 0 => return Ok(Deleted::Removed),
        Ok(_) => {}
        Err(sqlx::Error::Database(e)) if e.is_foreign_key_violation() => {}
        Err(e) => return Err(e.into()),
    }
    let now = Utc::now();
    let kept = dispatch!(Db, db, |db, D| sqlx::query(sql!(D;
        "UPDATE stripe_webhook_endpoints SET deleted_at = $2, enabled = false, \
         secrets = $3" {json} ", updated_at = $2 WHERE uuid = $1 AND deleted_at IS NULL"))
    .bind(D::uuid(uuid))
    .bind(D::time(now))
    .bind("[]")
    .execute(db.write_pool())
    .await?
    .rows_affected());
    if kept > 0 {
        return Ok(Deleted::KeptForDeliveries);
    }
    Ok(match get(db, uuid).await? {
        Some(_) => Deleted::AlreadyDeleted,
        None => Deleted::NotFound,
    })
}

/// SQLite: the counter that the endpoint triggers bump on every change
/// (`stripe_endpoint_generation`), `None` when its row is missing (deleted by hand).
///
/// # Errors
/// The database error.
pub(crate) async fn generation(db: &Db) -> Result<Option<i64>, sqlx::Error> {
    dispatch!(Db, db, |db, _D| sqlx::query_scalar(
        "SELECT generation FROM stripe_endpoint_generation WHERE id = 1"
    )
    .fetch_optional(db.read_pool())
    .await)
}

impl Row {
    fn into_endpoint(self) -> Result<Endpoint, EndpointStoreError> {
        let corrupt = |column: &'static str, reason: String| EndpointStoreError::Corrupt {
            uuid: self.uuid.clone(),
            column,
            reason,
        };
        let uuid = Uuid::parse_str(&self.uuid).map_err(|e| corrupt("uuid", e.to_string()))?;
        let stored: Vec<StoredSecret> =
            serde_json::from_str(&self.secrets).map_err(|e| corrupt("secrets", e.to_string()))?;
        let secrets = stored
            .into_iter()
            .map(|s| {
                Ok(EndpointSecret {
                    secret: Secret::new(s.secret).map_err(|e| corrupt("secrets", e.to_string()))?,
                    expires_at: s.expires_at,
                })
            })
            .collect::<Result<_, EndpointStoreError>>()?;
        Ok(Endpoint {
            uuid,
            stripe_id: self.stripe_id.clone(),
            url: self.url.clone(),
            secrets,
            livemode: self.livemode,
            tolerance_secs: u64::try_from(self.tolerance_secs).unwrap_or(0),
            validation: ValidationMode::parse(&self.validation)
                .ok_or_else(|| corrupt("validation", self.validation.clone()))?,
            api_version: self.api_version.clone(),
            enabled_events: serde_json::from_str(&self.enabled_events)
                .map_err(|e| corrupt("enabled_events", e.to_string()))?,
            account: self.account.clone(),
            enabled: self.enabled,
            created_at: self.created_at,
            updated_at: self.updated_at,
            deleted_at: self.deleted_at,
            refetch: self
                .refetch
                .as_deref()
                .map(|r| r.parse().map_err(|_| corrupt("refetch", r.to_owned())))
                .transpose()?,
        })
    }
}
