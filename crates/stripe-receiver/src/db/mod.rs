//! The database: backend selection from `DATABASE_URL`, pools, migrations.
//!
//! The backend is chosen at run time from the URL scheme, so one binary serves every supported
//! database. Each backend keeps its own migrations (`migrations/<backend>/`, run with sqlx's
//! migrator) under the same table names and semantics (PRODUCT.md §7).

mod postgres;
mod sqlite;

use std::fmt;
use std::time::Duration;

pub use postgres::PgDb;
pub use sqlite::SqliteDb;

/// A database backend.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Backend {
    /// SQLite (a file; the embedded default).
    Sqlite,
    /// PostgreSQL (production).
    Postgres,
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Sqlite => "SQLite",
            Self::Postgres => "PostgreSQL",
        })
    }
}

/// Errors opening or migrating the database.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// The URL's scheme names no supported backend.
    #[error("unsupported DATABASE_URL scheme in {url:?}: use sqlite://PATH (e.g. sqlite://stripe-receiver.db) or postgres://USER@HOST:PORT/DATABASE")]
    UnsupportedUrl {
        /// The URL with any password removed.
        url: String,
    },
    /// The database could not be opened.
    #[error("cannot open the database {url}: {source}")]
    Open {
        /// The URL with any password removed.
        url: String,
        /// The sqlx error.
        #[source]
        source: sqlx::Error,
    },
    /// sqlx failed to connect or to run a statement.
    #[error("database error: {0}")]
    Sqlx(#[from] sqlx::Error),
    /// A migration failed.
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// How the pools are sized and how long a request waits for a connection.
#[derive(Debug, Clone)]
pub struct PoolSettings {
    /// Longest wait for a pooled connection before the request is answered 503.
    pub acquire_timeout: Duration,
    /// SQLite: connections for reads (endpoint lookups, listings, health checks); writes always
    /// go through one connection.
    pub read_connections: u32,
    /// PostgreSQL: the pool's size, i.e. how many webhooks are processed at once.
    pub max_connections: u32,
}

impl Default for PoolSettings {
    fn default() -> Self {
        Self {
            acquire_timeout: Duration::from_secs(5),
            read_connections: 4,
            max_connections: 10,
        }
    }
}

/// A connected database.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Db {
    /// SQLite: one writer connection (SQLite admits one writer at a time) and readers beside it
    /// (WAL mode).
    Sqlite(SqliteDb),
    /// PostgreSQL: one pool; webhooks run in concurrent transactions.
    Postgres(PgDb),
}

impl Db {
    /// Opens the database named by `url` (creating a SQLite file if missing).
    ///
    /// # Errors
    /// [`DbError::UnsupportedUrl`] for an unknown scheme; [`DbError::Sqlx`] when the database
    /// cannot be opened.
    pub async fn connect(url: &str, settings: &PoolSettings) -> Result<Self, DbError> {
        let open = |e: DbError| match e {
            DbError::Sqlx(source) => DbError::Open {
                url: redact_url(url),
                source,
            },
            other => other,
        };
        Ok(match Self::backend_of_url(url)? {
            Backend::Sqlite => Self::Sqlite(SqliteDb::connect(url, settings).await.map_err(open)?),
            Backend::Postgres => Self::Postgres(PgDb::connect(url, settings).await.map_err(open)?),
        })
    }

    /// The backend a `DATABASE_URL` names: `sqlite:` or `postgres://` / `postgresql://`.
    ///
    /// # Errors
    /// [`DbError::UnsupportedUrl`] for any other scheme.
    pub fn backend_of_url(url: &str) -> Result<Backend, DbError> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres)
        } else {
            Err(DbError::UnsupportedUrl {
                url: redact_url(url),
            })
        }
    }

    /// Applies the backend's pending migrations (idempotent).
    ///
    /// # Errors
    /// [`DbError::Migrate`] when a migration fails or the database has migrations this build
    /// does not know.
    pub async fn migrate(&self) -> Result<(), DbError> {
        match self {
            Self::Sqlite(db) => db.migrate().await,
            Self::Postgres(db) => db.migrate().await,
        }
    }

    /// Applies an application's own migrations (after ours; see
    /// [`crate::RuntimeBuilder::migrations`]).
    ///
    /// # Errors
    /// [`DbError::Migrate`] on failure.
    pub async fn run_migrator(
        &self,
        migrator: &mut sqlx::migrate::Migrator,
    ) -> Result<(), DbError> {
        match self {
            Self::Sqlite(db) => db.run_migrator(migrator).await,
            Self::Postgres(db) => db.run_migrator(migrator).await,
        }
    }

    /// The backend in use.
    #[must_use]
    pub fn backend(&self) -> Backend {
        match self {
            Self::Sqlite(_) => Backend::Sqlite,
            Self::Postgres(_) => Backend::Postgres,
        }
    }

    /// Runs `SELECT 1` on a read connection: whether the database answers.
    ///
    /// # Errors
    /// The sqlx error when it does not.
    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        match self {
            Self::Sqlite(db) => sqlx::query("SELECT 1").execute(db.reader()).await.map(drop),
            Self::Postgres(db) => sqlx::query("SELECT 1").execute(db.pool()).await.map(drop),
        }
    }

    /// Closes every pool, waiting for connections in use to be returned.
    pub async fn close(&self) {
        match self {
            Self::Sqlite(db) => db.close().await,
            Self::Postgres(db) => db.close().await,
        }
    }
}

/// `url` with the password (if any) replaced by `***`, for messages and logs.
#[must_use]
pub fn redact_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("***"));
            u.to_string()
        }
        _ => url.to_owned(),
    }
}
