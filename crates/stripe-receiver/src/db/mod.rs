//! The database: backend selection from `DATABASE_URL`, pools, migrations, and the one place
//! that dispatches on the backend.
//!
//! The backend is chosen at run time from the URL scheme, so one binary serves every backend it
//! was built with (cargo features `sqlite` and `postgres`). Each backend keeps its own
//! migrations (`migrations/<backend>/`, run with sqlx's migrator) under the same table names and
//! semantics.
//!
//! Layout: everything that names a backend's sqlx types lives in that backend's file
//! (`sqlite.rs`, `postgres.rs`), which implements `Pools` for its handle and `Dialect` for
//! its sqlx database; what differs in the SQL is in `dialect.rs`; the `dispatch!` macro here is
//! the only `match` over the backends that the storage code uses. Store modules write each
//! statement once, inside `dispatch!`, which compiles it for each backend.

mod dialect;
#[cfg(feature = "postgres")]
mod postgres;
#[cfg(feature = "sqlite")]
mod sqlite;

#[cfg(not(any(feature = "sqlite", feature = "postgres")))]
compile_error!(
    "stripe-receiver needs a database backend: enable the `sqlite` or `postgres` feature (or both)"
);

use std::fmt;
use std::future::Future;
use std::time::Duration;

use sqlx::migrate::{Migrate, Migrator};

#[cfg(any(feature = "sqlite", feature = "cli"))]
pub(crate) use dialect::format_time;
#[cfg(test)]
pub(crate) use dialect::Ddl;
pub(crate) use dialect::{sql, sql_for, sql_piece, Dialect};
#[cfg(feature = "postgres")]
pub use postgres::PgDb;
#[cfg(feature = "sqlite")]
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
    /// The URL names a backend this build was compiled without.
    #[error("DATABASE_URL names {backend}, but this build has no {backend} support (cargo feature `{feature}` of stripe-receiver)")]
    NotBuilt {
        /// The backend the URL names.
        backend: Backend,
        /// The cargo feature that brings it.
        feature: &'static str,
    },
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

/// A connected database. Match on it to reach the backend's pools for an application's own
/// queries outside a webhook (`Db::Sqlite(db) => ... db.writer()`).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Db {
    /// SQLite: one writer connection (SQLite admits one writer at a time) and readers beside it
    /// (WAL mode).
    #[cfg(feature = "sqlite")]
    Sqlite(SqliteDb),
    /// PostgreSQL: one pool; webhooks run in concurrent transactions.
    #[cfg(feature = "postgres")]
    Postgres(PgDb),
}

/// The backend connection of a webhook's transaction (behind [`crate::Tx`]), or of any
/// connection the store functions run on.
pub(crate) enum TxConn<'c> {
    #[cfg(feature = "sqlite")]
    Sqlite(&'c mut sqlx::SqliteConnection),
    #[cfg(feature = "postgres")]
    Postgres(&'c mut sqlx::PgConnection),
}

/// A transaction begun on a [`Db`]'s writer, owned (committed or rolled back by its owner).
pub(crate) enum Txn {
    #[cfg(feature = "sqlite")]
    Sqlite(sqlx::Transaction<'static, sqlx::Sqlite>),
    #[cfg(feature = "postgres")]
    Postgres(sqlx::Transaction<'static, sqlx::Postgres>),
}

/// What each backend's handle provides ([`SqliteDb`], [`PgDb`]), in the manner of sqlx's own
/// per-driver `Migrate`: the store modules reach pools only through it, inside [`dispatch!`].
pub(crate) trait Pools: Sized {
    /// The backend's sqlx database.
    type Database: Dialect;

    /// Opens the database at `url`.
    fn connect(
        url: &str,
        settings: &PoolSettings,
    ) -> impl Future<Output = Result<Self, DbError>> + Send;

    /// Our migrations for this backend.
    fn migrator(&self) -> Migrator;

    /// The pool for reads outside a transaction.
    fn read_pool(&self) -> &sqlx::Pool<Self::Database>;

    /// The pool for writes and transactions.
    fn write_pool(&self) -> &sqlx::Pool<Self::Database>;

    /// Closes every pool, waiting for connections in use to be returned.
    fn close(&self) -> impl Future<Output = ()> + Send;
}

/// Runs `$body` for whichever backend `$value` (a [`Db`], [`TxConn`] or [`Txn`], by value or
/// reference) is on, with `$inner` bound to the variant's content and `$D` to the backend's sqlx
/// database (which implements [`Dialect`]): the body is written once and compiled per backend.
///
/// ```ignore
/// dispatch!(Db, db, |db, D| sqlx::query(sql!(D; "... $1")).bind(D::time(now)).execute(db.write_pool()).await)
/// ```
macro_rules! dispatch {
    ($enum:ident, $value:expr, |$inner:pat_param, $D:ident| $body:expr) => {
        $crate::db::dispatch!(@arms $enum, $value, $inner, $D, $body,
            ["sqlite", Sqlite, Sqlite], ["postgres", Postgres, Postgres])
    };
    (@arms $enum:ident, $value:expr, $inner:pat_param, $D:ident, $body:expr,
        $([$feature:literal, $variant:ident, $database:ident]),+) => {
        match $value {
            $(
                #[cfg(feature = $feature)]
                $crate::db::$enum::$variant($inner) => {
                    #[allow(unused_imports)]
                    use $crate::db::{Dialect as _, Pools as _};
                    #[allow(dead_code)]
                    type $D = ::sqlx::$database;
                    $body
                }
            )+
        }
    };
}
pub(crate) use dispatch;

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
            #[cfg(feature = "sqlite")]
            Backend::Sqlite => Self::Sqlite(SqliteDb::connect(url, settings).await.map_err(open)?),
            #[cfg(feature = "postgres")]
            Backend::Postgres => Self::Postgres(PgDb::connect(url, settings).await.map_err(open)?),
            #[allow(unreachable_patterns)]
            backend => {
                return Err(DbError::NotBuilt {
                    backend,
                    feature: backend.feature(),
                })
            }
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
        dispatch!(Db, self, |db, _D| apply(
            &mut db.migrator(),
            db.write_pool()
        )
        .await)
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
        dispatch!(Db, self, |db, _D| apply(migrator, db.write_pool()).await)
    }

    /// The backend in use.
    #[must_use]
    pub fn backend(&self) -> Backend {
        dispatch!(Db, self, |_, D| D::BACKEND)
    }

    /// Runs `SELECT 1` on a read connection: whether the database answers.
    ///
    /// # Errors
    /// The sqlx error when it does not.
    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        dispatch!(Db, self, |db, _D| sqlx::query("SELECT 1")
            .execute(db.read_pool())
            .await
            .map(drop))
    }

    /// Closes every pool, waiting for connections in use to be returned.
    pub async fn close(&self) {
        dispatch!(Db, self, |db, _D| db.close().await);
    }

    /// Begins a transaction on the writer.
    pub(crate) async fn begin(&self) -> Result<Txn, sqlx::Error> {
        dispatch!(Db, self, |db, _D| Ok(db.write_pool().begin().await?.into()))
    }
}

/// Applies `migrator`'s pending migrations on `pool`. The applied-migrations table is shared
/// between ours and the application's own (`RuntimeBuilder::migrations`): versions that are
/// not the migrator's are the other's, not an error.
async fn apply<D: sqlx::Database>(
    migrator: &mut Migrator,
    pool: &sqlx::Pool<D>,
) -> Result<(), DbError>
where
    D::Connection: Migrate,
{
    migrator.set_ignore_missing(true);
    migrator.run(pool).await?;
    Ok(())
}

impl Backend {
    /// The cargo feature of stripe-receiver that builds this backend.
    fn feature(self) -> &'static str {
        match self {
            Self::Sqlite => "sqlite",
            Self::Postgres => "postgres",
        }
    }
}

impl TxConn<'_> {
    /// The backend of this connection.
    pub(crate) fn backend(&self) -> Backend {
        dispatch!(TxConn, self, |_, D| D::BACKEND)
    }

    /// The same connection, for a shorter borrow.
    pub(crate) fn reborrow(&mut self) -> TxConn<'_> {
        dispatch!(TxConn, self, |conn, _D| TxConn::from(&mut **conn))
    }

    /// Runs statements without parameters (several may be given, separated by `;`): PostgreSQL
    /// runs a string without arguments with the simple query protocol, which takes several
    /// statements, and SQLite runs them one after another.
    pub(crate) async fn execute_script(&mut self, sql: &'static str) -> Result<(), sqlx::Error> {
        dispatch!(TxConn, self, |conn, _D| sqlx::Executor::execute(
            &mut **conn,
            sql
        )
        .await
        .map(drop))
    }
}

impl Txn {
    /// The transaction's connection.
    pub(crate) fn conn(&mut self) -> TxConn<'_> {
        dispatch!(Txn, self, |txn, _D| TxConn::from(&mut **txn))
    }

    /// Commits.
    pub(crate) async fn commit(self) -> Result<(), sqlx::Error> {
        dispatch!(Txn, self, |txn, _D| txn.commit().await)
    }

    /// Rolls back.
    pub(crate) async fn rollback(self) -> Result<(), sqlx::Error> {
        dispatch!(Txn, self, |txn, _D| txn.rollback().await)
    }
}

/// The error for a stored column that does not decode into its Rust value (edited by hand?):
/// `column` names it, `reason` says why.
pub(crate) fn column_error(column: &str, reason: impl ToString) -> sqlx::Error {
    sqlx::Error::ColumnDecode {
        index: column.to_owned(),
        source: reason.to_string().into(),
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
