//! SQLite: a WAL-mode file with one writer connection and a few readers; its dialect.

use std::str::FromStr;

use chrono::{DateTime, Utc};
use sqlx::migrate::Migrator;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Sqlite, SqliteConnection, SqlitePool};
use uuid::Uuid;

use super::{format_time, Backend, DbError, Dialect, PoolSettings, Pools, TxConn, Txn};

/// A SQLite database: a single-connection writer pool (SQLite admits one writer at a time, so
/// webhooks queue for it in the pool instead of failing with `SQLITE_BUSY`) and a reader pool
/// (WAL mode lets reads run beside the writer).
///
/// Durability: `synchronous=FULL`, so a commit is on disk before it returns and a 2xx is never
/// sent for an event a power cut could lose.
#[derive(Debug, Clone)]
pub struct SqliteDb {
    writer: SqlitePool,
    reader: SqlitePool,
}

impl Pools for SqliteDb {
    type Database = Sqlite;

    /// Opens (creating if missing) the SQLite database at `url` (`sqlite://PATH`, or
    /// `sqlite::memory:` for a private in-memory database, where reads share the writer).
    async fn connect(url: &str, settings: &PoolSettings) -> Result<Self, DbError> {
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
            .after_release(|conn, _| Box::pin(async move { Ok(reusable(conn)) }))
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

    fn migrator(&self) -> Migrator {
        sqlx::migrate!("./migrations/sqlite")
    }

    fn read_pool(&self) -> &SqlitePool {
        &self.reader
    }

    fn write_pool(&self) -> &SqlitePool {
        &self.writer
    }

    async fn close(&self) {
        self.writer.close().await;
        self.reader.close().await;
    }
}

/// Whether the writer connection may go back to the pool: not if sqlx still counts a
/// transaction open on it.
///
/// That happens after an error that made SQLite roll the transaction back by itself
/// (`SQLITE_FULL`, `SQLITE_IOERR`, `SQLITE_NOMEM`, `SQLITE_BUSY` during the transaction or its
/// `COMMIT`): the `COMMIT` fails, the `ROLLBACK` that follows fails too ("no transaction is
/// active"), and sqlx (0.9), which counts transaction depth itself, keeps counting one. Reused,
/// such a connection turns the next `BEGIN` into a `SAVEPOINT` and its `COMMIT` into a
/// `RELEASE` of it: `Ok`, with nothing committed — webhooks answered 200 and lost (the fault
/// matrix's disk-full row, RELIABILITY.md). Closed instead, it is replaced by a fresh connection
/// at the next acquire. A transaction that ended normally (committed, or rolled back with a
/// successful `ROLLBACK`) leaves the count at zero and the connection is kept.
fn reusable(conn: &mut SqliteConnection) -> bool {
    use sqlx::Connection as _;
    if conn.is_in_transaction() {
        tracing::warn!(
            "the SQLite writer connection is left inside a transaction after an error \
             (disk full, I/O error): closing it; the next webhook gets a fresh connection"
        );
        return false;
    }
    true
}

impl SqliteDb {
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
}

impl Dialect for Sqlite {
    const BACKEND: Backend = Backend::Sqlite;

    #[cfg(test)]
    const DDL: super::Ddl = super::Ddl {
        flavour: "SQLite flavour: booleans are 0/1, JSON is text, synced_at RFC 3339 UTC text",
        text: "TEXT",
        integer: "INTEGER",
        real: "REAL",
        json: "TEXT",
        timestamp: "TEXT",
        boolean: "INTEGER{null} CHECK ({name} IN (0, 1))",
        false_default: " DEFAULT 0",
        table_options: " WITHOUT ROWID",
    };

    /// RFC 3339 text ([`format_time`]): text order is time order.
    type Time = String;

    /// Hyphenated lower-case text.
    type Uuid = String;

    fn time(t: DateTime<Utc>) -> String {
        format_time(t)
    }

    fn uuid(id: Uuid) -> String {
        id.to_string()
    }

    fn pick(sqlite: &'static str, _postgres: &'static str) -> &'static str {
        sqlite
    }
}

impl<'c> From<&'c mut SqliteConnection> for TxConn<'c> {
    fn from(conn: &'c mut SqliteConnection) -> Self {
        Self::Sqlite(conn)
    }
}

impl From<sqlx::Transaction<'static, Sqlite>> for Txn {
    fn from(txn: sqlx::Transaction<'static, Sqlite>) -> Self {
        Self::Sqlite(txn)
    }
}
