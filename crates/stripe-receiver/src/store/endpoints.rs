//! `stripe_webhook_endpoints`.

use chrono::Utc;
use serde::{Deserialize, Serialize};
use sqlx::sqlite::SqliteRow;
use sqlx::Row;
use uuid::Uuid;

use super::{format_time, parse_time};
use crate::db::Db;
use crate::endpoint::{webhook_url, Endpoint, EndpointSecret, NewEndpoint, ValidationMode};
use crate::signature::Secret;

/// How secrets are kept in the `secrets` JSON column.
#[derive(Serialize, Deserialize)]
struct StoredSecret {
    secret: String,
    expires_at: Option<i64>,
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

/// Inserts a new endpoint with a fresh UUID v4 and returns it.
///
/// # Errors
/// The database error (e.g. a duplicate `stripe_id`).
pub async fn create(db: &Db, new: NewEndpoint) -> Result<Endpoint, EndpointStoreError> {
    let uuid = Uuid::new_v4();
    let now = Utc::now();
    let endpoint = Endpoint {
        uuid,
        stripe_id: new.stripe_id,
        url: webhook_url(&new.base_url, uuid),
        secrets: new.secrets,
        livemode: new.livemode,
        tolerance_secs: new.tolerance_secs,
        validation: new.validation,
        api_version: new.api_version,
        enabled_events: new.enabled_events,
        account: new.account,
        enabled: true,
        created_at: now,
        updated_at: now,
    };
    let secrets: Vec<StoredSecret> = endpoint
        .secrets
        .iter()
        .map(|s| StoredSecret {
            secret: s.secret.expose().to_owned(),
            expires_at: s.expires_at,
        })
        .collect();
    match db {
        Db::Sqlite(db) => {
            sqlx::query(
                "INSERT INTO stripe_webhook_endpoints (uuid, stripe_id, url, secrets, livemode, \
                 tolerance_secs, validation, api_version, enabled_events, account, enabled, \
                 created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 1, ?11, ?11)",
            )
            .bind(uuid.to_string())
            .bind(&endpoint.stripe_id)
            .bind(&endpoint.url)
            .bind(serde_json::to_string(&secrets).expect("secrets serialize"))
            .bind(endpoint.livemode)
            .bind(i64::try_from(endpoint.tolerance_secs).unwrap_or(i64::MAX))
            .bind(endpoint.validation.as_str())
            .bind(&endpoint.api_version)
            .bind(serde_json::to_string(&endpoint.enabled_events).expect("strings serialize"))
            .bind(&endpoint.account)
            .bind(format_time(now))
            .execute(db.writer())
            .await?;
        }
    }
    Ok(endpoint)
}

/// The endpoint with this UUID, enabled or not.
///
/// # Errors
/// The database error, or [`EndpointStoreError::Corrupt`].
pub async fn get(db: &Db, uuid: Uuid) -> Result<Option<Endpoint>, EndpointStoreError> {
    match db {
        Db::Sqlite(db) => {
            let row = sqlx::query("SELECT * FROM stripe_webhook_endpoints WHERE uuid = ?1")
                .bind(uuid.to_string())
                .fetch_optional(db.reader())
                .await?;
            row.as_ref().map(from_sqlite).transpose()
        }
    }
}

/// Every endpoint, oldest first.
///
/// # Errors
/// The database error, or [`EndpointStoreError::Corrupt`].
pub async fn list(db: &Db) -> Result<Vec<Endpoint>, EndpointStoreError> {
    match db {
        Db::Sqlite(db) => {
            sqlx::query("SELECT * FROM stripe_webhook_endpoints ORDER BY created_at, uuid")
                .fetch_all(db.reader())
                .await?
                .iter()
                .map(from_sqlite)
                .collect()
        }
    }
}

/// Enables or disables an endpoint. Returns `false` when no endpoint has this UUID.
///
/// # Errors
/// The database error.
pub async fn set_enabled(db: &Db, uuid: Uuid, enabled: bool) -> Result<bool, EndpointStoreError> {
    match db {
        Db::Sqlite(db) => {
            let done = sqlx::query(
                "UPDATE stripe_webhook_endpoints SET enabled = ?2, updated_at = ?3 WHERE uuid = ?1",
            )
            .bind(uuid.to_string())
            .bind(enabled)
            .bind(format_time(Utc::now()))
            .execute(db.writer())
            .await?;
            Ok(done.rows_affected() > 0)
        }
    }
}

fn from_sqlite(row: &SqliteRow) -> Result<Endpoint, EndpointStoreError> {
    let uuid_text: String = row.try_get("uuid")?;
    let corrupt = |column: &'static str, reason: String| EndpointStoreError::Corrupt {
        uuid: uuid_text.clone(),
        column,
        reason,
    };
    let uuid = Uuid::parse_str(&uuid_text).map_err(|e| corrupt("uuid", e.to_string()))?;
    let secrets: Vec<StoredSecret> = serde_json::from_str(&row.try_get::<String, _>("secrets")?)
        .map_err(|e| corrupt("secrets", e.to_string()))?;
    let secrets = secrets
        .into_iter()
        .map(|s| {
            Ok(EndpointSecret {
                secret: Secret::new(s.secret).map_err(|e| corrupt("secrets", e.to_string()))?,
                expires_at: s.expires_at,
            })
        })
        .collect::<Result<_, EndpointStoreError>>()?;
    let validation: String = row.try_get("validation")?;
    let enabled_events: String = row.try_get("enabled_events")?;
    Ok(Endpoint {
        uuid,
        stripe_id: row.try_get("stripe_id")?,
        url: row.try_get("url")?,
        secrets,
        livemode: row.try_get("livemode")?,
        tolerance_secs: u64::try_from(row.try_get::<i64, _>("tolerance_secs")?).unwrap_or(0),
        validation: ValidationMode::parse(&validation)
            .ok_or_else(|| corrupt("validation", validation.clone()))?,
        api_version: row.try_get("api_version")?,
        enabled_events: serde_json::from_str(&enabled_events)
            .map_err(|e| corrupt("enabled_events", e.to_string()))?,
        account: row.try_get("account")?,
        enabled: row.try_get("enabled")?,
        created_at: parse_time(&row.try_get::<String, _>("created_at")?),
        updated_at: parse_time(&row.try_get::<String, _>("updated_at")?),
    })
}
