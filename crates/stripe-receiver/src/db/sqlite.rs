//! SQLite: a WAL-mode file with one writer connection and a few readers.

use std::str::FromStr;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;

use super::{DbError, PoolSettings};

/// A SQLite database: a single-connection writer pool (SQLite admits one writer at a time, so
/// webhooks queue for it in the pool instead of failing with `SQLITE_BUSY`) and a reader pool
/// (WAL mode lets reads run beside the writer).
///
/// Durability: `synchronous=FULL`, so a commit is on disk before it returns and a 2xx is never
/// sent for an event a power cut could lose (PRODUCT.md §4.10).
#[derive(Debug, Clone)]
pub struct SqliteDb {
    writer: SqlitePool,
    reader: SqlitePool,
}

impl SqliteDb {
    /// Opens (creating if missing) the SQLite database at `url` (`sqlite://PATH`, or
    /// `sqlite::memory:` for a private in-memory database, where reads share the writer).
    ///
    /// # Errors
    /// The sqlx error if the file cannot be opened or created.
    pub async fn connect(url: &str, settings: &PoolSettings) -> Result<Self, DbError> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(settings.acquire_timeout);
        let in_memory = url.contains(":memory:") || url.contains("mode=memory");
        // No ping before each acquire (sqlx's default): a connection to a local file does not
        // go stale, and the ping is a round trip to the connection's thread on every query.
        let writer = SqlitePoolOptions::new()
            .test_before_acquire(false)
            .max_connections(1)
            .min_connections(if in_memory { 1 } else { 0 })
            .idle_timeout(None)
            .max_lifetime(None)
            .acquire_timeout(settings.acquire_timeout)
            .connect_with(options.clone())
            .await?;
        let reader = if in_memory {
            writer.clone()
        } else {
            SqlitePoolOptions::new()
                .test_before_acquire(false)
                .max_connections(settings.read_connections.max(1))
                .acquire_timeout(settings.acquire_timeout)
                .connect_with(options.read_only(true))
                .await?
        };
        Ok(Self { writer, reader })
    }

    /// Applies pending migrations.
    ///
    /// # Errors
    /// [`DbError::Migrate`] on failure.
    pub async fn migrate(&self) -> Result<(), DbError> {
        let mut ours = sqlx::migrate!("./migrations/sqlite");
        // The applied-migrations table is shared with the application's own migrations
        // (RuntimeBuilder::migrations): versions that are not ours are theirs, not an error.
        ours.set_ignore_missing(true);
        ours.run(&self.writer).await?;
        Ok(())
    }

    /// The single-connection pool every write goes through.
    #[must_use]
    pub fn writer(&self) -> &SqlitePool {
        &self.writer
    }

    /// The pool for reads.
    #[must_use]
    pub fn reader(&self) -> &SqlitePool {
        &self.reader
    }

    /// Applies an application's own migrations after ours, sharing sqlx's migrations table.
    ///
    /// # Errors
    /// [`DbError::Migrate`] on failure.
    pub async fn run_migrator(
        &self,
        migrator: &mut sqlx::migrate::Migrator,
    ) -> Result<(), DbError> {
        migrator.set_ignore_missing(true);
        migrator.run(&self.writer).await?;
        Ok(())
    }

    pub(crate) async fn close(&self) {
        self.writer.close().await;
        self.reader.close().await;
    }
}
