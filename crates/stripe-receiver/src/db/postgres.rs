//! PostgreSQL: one sized pool; concurrent webhooks run in concurrent transactions. Its
//! dialect.

use std::str::FromStr;

use chrono::{DateTime, Utc};
use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{PgConnection, PgPool, Postgres};
use uuid::Uuid;

use super::{Backend, Db, DbError, Dialect, PoolSettings, Pools, TxConn, Txn};

/// A PostgreSQL database behind one pool of at most [`PoolSettings::max_connections`]
/// connections. Webhooks run in concurrent `READ COMMITTED` transactions; a concurrent duplicate
/// blocks on the event row's unique key until the first attempt commits or rolls back.
///
/// A connection that the server dropped (restart, outage) is detected when it is taken from the
/// pool (sqlx pings it) and replaced, so the process serves again by itself once the database is
/// back.
#[derive(Debug, Clone)]
pub struct PgDb {
    pool: PgPool,
}

impl Pools for PgDb {
    type Database = Postgres;

    /// Connects to `url` (`postgres://user:password@host:port/database?...`). Start-up succeeds
    /// only after one connection worked (migrations run on it).
    async fn connect(url: &str, settings: &PoolSettings) -> Result<Self, DbError> {
        let options = PgConnectOptions::from_str(url)?.application_name("stripe-receiver");
        let pool = PgPoolOptions::new()
            .max_connections(settings.max_connections.max(1))
            .acquire_timeout(settings.acquire_timeout)
            .test_before_acquire(true)
            .connect_with(options)
            .await?;
        Ok(Self { pool })
    }

    /// sqlx takes an advisory lock while migrating, so several processes starting at once
    /// migrate one after another.
    fn migrator(&self) -> Migrator {
        sqlx::migrate!("./migrations/postgres")
    }

    fn read_pool(&self) -> &PgPool {
        &self.pool
    }

    fn write_pool(&self) -> &PgPool {
        &self.pool
    }

    async fn close(&self) {
        self.pool.close().await;
    }
}

impl PgDb {
    /// The pool.
    #[must_use]
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }
}

impl Db {
    /// The PostgreSQL handle, when the database is PostgreSQL.
    pub(crate) fn postgres(&self) -> Option<&PgDb> {
        match self {
            Db::Postgres(db) => Some(db),
            #[allow(unreachable_patterns)]
            _ => None,
        }
    }
}

impl Dialect for Postgres {
    const BACKEND: Backend = Backend::Postgres;

    #[cfg(test)]
    const DDL: super::Ddl = super::Ddl {
        flavour: "PostgreSQL flavour: boolean, jsonb, timestamptz",
        text: "text",
        integer: "bigint",
        real: "double precision",
        json: "jsonb",
        timestamp: "timestamptz",
        boolean: "boolean{null}",
        false_default: " DEFAULT false",
        table_options: "",
    };

    /// `timestamptz`.
    type Time = DateTime<Utc>;

    /// `uuid`.
    type Uuid = Uuid;

    fn time(t: DateTime<Utc>) -> DateTime<Utc> {
        t
    }

    fn uuid(id: Uuid) -> Uuid {
        id
    }

    fn pick(_sqlite: &'static str, postgres: &'static str) -> &'static str {
        postgres
    }
}

impl<'c> From<&'c mut PgConnection> for TxConn<'c> {
    fn from(conn: &'c mut PgConnection) -> Self {
        Self::Postgres(conn)
    }
}

impl From<sqlx::Transaction<'static, Postgres>> for Txn {
    fn from(txn: sqlx::Transaction<'static, Postgres>) -> Self {
        Self::Postgres(txn)
    }
}
