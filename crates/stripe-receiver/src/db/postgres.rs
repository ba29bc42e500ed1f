//! PostgreSQL: one sized pool; concurrent webhooks run in concurrent transactions.

use std::str::FromStr;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::PgPool;

use super::{DbError, PoolSettings};

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

impl PgDb {
    /// Connects to `url` (`postgres://user:password@host:port/database?...`). The pool opens
    /// lazily: start-up succeeds only after one connection worked (migrations run on it).
    ///
    /// # Errors
    /// The sqlx error for an unparsable URL or an unreachable server.
    pub async fn connect(url: &str, settings: &PoolSettings) -> Result<Self, DbError> {
        let options = PgConnectOptions::from_str(url)?.application_name("stripe-receiver");
        let pool = PgPoolOptions::new()
            .max_connections(settings.max_connections.max(1))
            .acquire_timeout(settings.acquire_timeout)
            .test_before_acquire(true)
            .connect_with(options)
            .await?;
        Ok(Self { pool })
    }

    /// Applies pending migrations. sqlx takes an advisory lock, so several processes starting at
    /// once migrate one after another.
    ///
    /// # Errors
    /// [`DbError::Migrate`] on failure.
    pub async fn migrate(&self) -> Result<(), DbError> {
        let mut ours = sqlx::migrate!("./migrations/postgres");
        // The applied-migrations table is shared with the application's own migrations
        // (RuntimeBuilder::migrations): versions that are not ours are theirs, not an error.
        ours.set_ignore_missing(true);
        ours.run(&self.pool).await?;
        Ok(())
    }

    /// The pool.
    #[must_use]
    pub fn pool(&self) -> &PgPool {
        &self.pool
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
        migrator.run(&self.pool).await?;
        Ok(())
    }

    pub(crate) async fn close(&self) {
        self.pool.close().await;
    }
}
