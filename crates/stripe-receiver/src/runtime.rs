//! The runtime: database, receivers and state, ready to serve.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use tokio::net::TcpListener;

use crate::config::Config;
use crate::process::GroupCommitter;
use sqlx::migrate::Migrator;

use crate::db::{Backend, Db, DbError, PoolSettings};
use crate::registry::{Registry, RegistryError};
use crate::signature::{Clock, SystemClock};
use crate::state::StateMap;

/// Why the runtime could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The compiled-in receivers are inconsistent or need what the process lacks.
    #[error(transparent)]
    Registry(#[from] RegistryError),
    /// The database could not be opened or migrated.
    #[error(transparent)]
    Db(#[from] DbError),
    /// The compiled-in lifecycle hooks are inconsistent or need what the process lacks.
    #[error(transparent)]
    Hooks(#[from] crate::hooks::HookRegistryError),
    /// The compiled-in job kinds are inconsistent or need what the process lacks.
    #[error(transparent)]
    Jobs(#[from] crate::jobs::JobRegistryError),
}

/// Builds a [`Runtime`]: configuration, application state for receivers, clock.
///
/// ```no_run
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// # struct Mailer;
/// let runtime = stripe_receiver::Runtime::builder(stripe_receiver::Config::from_env()?)
///     .state(Mailer)
///     .build()
///     .await?;
/// let app = axum::Router::new().nest("/stripe", runtime.router());
/// # Ok(()) }
/// ```
pub struct RuntimeBuilder {
    config: Config,
    state: StateMap,
    clock: Arc<dyn Clock>,
    migrations: Vec<(Backend, Migrator)>,
    check_receivers: bool,
}

impl RuntimeBuilder {
    /// Registers a value receivers can take as `State<T>`; one per type.
    #[must_use]
    pub fn state<T: Send + Sync + 'static>(mut self, value: T) -> Self {
        self.state.insert(value);
        self
    }

    /// Adds the application's own migrations for `backend` (e.g. the tables its receivers write
    /// to), applied after stripe-receiver's own by `serve`, `migrate` and [`RuntimeBuilder::build`]:
    ///
    /// ```ignore
    /// runtime.migrations(Backend::Sqlite, sqlx::migrate!("./migrations/sqlite"))
    ///        .migrations(Backend::Postgres, sqlx::migrate!("./migrations/postgres"))
    /// ```
    ///
    /// Both sets share sqlx's `_sqlx_migrations` table, so each ignores the other's versions:
    /// give yours versions that differ from ours (ours are the file names in
    /// `crates/stripe-receiver/migrations/`).
    #[must_use]
    pub fn migrations(mut self, backend: Backend, migrator: Migrator) -> Self {
        self.migrations.push((backend, migrator));
        self
    }

    /// Skips the start-up checks of the receivers' requirements (state, backend). For commands
    /// that only read or manage the database (listings, `migrate`, endpoints), so that they work
    /// even where the processing setup is incomplete; never for a runtime that serves.
    #[must_use]
    pub fn without_receiver_checks(mut self) -> Self {
        self.check_receivers = false;
        self
    }

    /// Replaces the clock used for signature timestamps (tests).
    #[must_use]
    pub fn clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// The configuration being built with.
    #[must_use]
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Mutable access to the configuration (e.g. to override the listen address).
    pub fn config_mut(&mut self) -> &mut Config {
        &mut self.config
    }

    /// Collects the receivers, checks their requirements, opens the database and runs
    /// migrations.
    ///
    /// # Errors
    /// [`StartError::Registry`] naming the receiver at fault; [`StartError::Db`] when the
    /// database cannot be opened or migrated.
    pub async fn build(self) -> Result<Runtime, StartError> {
        let registry = Registry::from_inventory()?;
        let hooks = crate::hooks::HookRegistry::from_inventory()?;
        let jobs = Arc::new(crate::jobs::JobRegistry::from_inventory()?);
        let backend = Db::backend_of_url(&self.config.database_url)?;
        // Refuse receivers the process cannot serve before touching the database.
        if self.check_receivers {
            registry.check_requirements(&self.state, backend)?;
            hooks.check_requirements(&self.state, backend)?;
            jobs.check_requirements(&self.state, backend)?;
        }
        let settings = PoolSettings {
            acquire_timeout: self.config.db_timeout(),
            max_connections: self.config.db_max_connections,
            ..PoolSettings::default()
        };
        let db = Db::connect(&self.config.database_url, &settings).await?;
        db.migrate().await?;
        for (_, mut migrator) in self.migrations.into_iter().filter(|(b, _)| *b == backend) {
            db.run_migrator(&mut migrator).await?;
        }
        let endpoint_cache =
            crate::endpoint_cache::CachedEndpoints::start(db.clone(), self.config.db_timeout())
                .await;
        Ok(Runtime {
            inner: Arc::new_cyclic(|rt| Inner {
                group_commit: self
                    .config
                    .group_commit
                    .enabled(db.backend())
                    .then(|| GroupCommitter::start(rt.clone(), db.backend(), &self.config)),
                jobs,
                endpoint_cache,
                tasks: tokio_util::task::TaskTracker::new(),
                jobs_wakeup: tokio::sync::Notify::new(),
                db,
                registry,
                hooks,
                metrics: self.config.metrics.then(crate::metrics::Metrics::new),
                state: self.state,
                config: self.config,
                clock: self.clock,
            }),
        })
    }
}

/// A started runtime: cheap to clone, shared by every request.
#[derive(Clone)]
pub struct Runtime {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    /// The job kinds linked into the binary (the outbox).
    pub jobs: Arc<crate::jobs::JobRegistry>,
    /// After-commit actions in flight; a graceful shutdown waits for them.
    pub tasks: tokio_util::task::TaskTracker,
    /// Wakes the job worker when a committed webhook enqueued jobs.
    pub jobs_wakeup: tokio::sync::Notify,
    pub db: Db,
    /// The endpoints of `POST /webhooks/{uuid}`, kept in step with the database
    /// ([`crate::endpoint_cache`]).
    pub endpoint_cache: crate::endpoint_cache::CachedEndpoints,
    /// The group-commit queue, when group commit is on for this backend.
    pub group_commit: Option<GroupCommitter>,
    pub registry: Registry,
    /// The compiled-in lifecycle hooks.
    pub hooks: crate::hooks::HookRegistry,
    /// The metrics, when `STRIPE_RECEIVER_METRICS` is on.
    pub metrics: Option<crate::metrics::Metrics>,
    pub state: StateMap,
    pub config: Config,
    pub clock: Arc<dyn Clock>,
}

impl Inner {
    pub(crate) fn jobs_handle(&self) -> crate::effects::JobsHandle {
        crate::effects::JobsHandle {
            registry: Arc::clone(&self.jobs),
            max_attempts: self.config.job_max_attempts,
        }
    }
}

impl Runtime {
    /// A builder with `config`, no state and the system clock.
    #[must_use]
    pub fn builder(config: Config) -> RuntimeBuilder {
        RuntimeBuilder {
            config,
            state: StateMap::new(),
            clock: Arc::new(SystemClock),
            migrations: Vec::new(),
            check_receivers: true,
        }
    }

    /// The database.
    #[must_use]
    pub fn db(&self) -> &Db {
        &self.inner.db
    }

    /// The endpoints, through the cache the server looks them up in: a change made here is seen
    /// by the very next delivery (one made elsewhere, once the database tells of it).
    #[must_use]
    pub fn endpoints(&self) -> &crate::store::endpoints::CachedEndpoints {
        &self.inner.endpoint_cache
    }

    /// The compiled-in receivers.
    #[must_use]
    pub fn registry(&self) -> &Registry {
        &self.inner.registry
    }

    /// The configuration.
    #[must_use]
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// The compiled-in lifecycle hooks.
    #[must_use]
    pub fn hooks(&self) -> &crate::hooks::HookRegistry {
        &self.inner.hooks
    }

    /// The metrics (served at `GET /metrics`), when `STRIPE_RECEIVER_METRICS` is on; `None`
    /// otherwise.
    #[must_use]
    pub fn metrics(&self) -> Option<&crate::metrics::Metrics> {
        self.inner.metrics.as_ref()
    }

    /// Logs every compiled-in receiver (event types, path, file:line) and lifecycle hook
    /// (hook, path, file:line) at INFO.
    pub fn log_receivers(&self) {
        // The built-in object sync is always there; the warning is about the application's.
        let builtins =
            self.registry().receivers().len() - self.registry().application_receivers().count();
        tracing::info!(
            count = builtins,
            "built-in object sync receivers (stripe_<plural> tables) run first for their events"
        );
        let receivers: Vec<_> = self.registry().application_receivers().collect();
        if receivers.is_empty() {
            tracing::warn!("no receivers of yours are compiled into this binary: events are stored and synced, but nothing of yours runs for them. Receivers in another crate are linked only if the binary names that crate (`use my_receivers as _;`), see the README, \"Linking receivers\"");
        } else {
            tracing::info!(count = receivers.len(), "receivers compiled in");
        }
        for r in receivers {
            tracing::info!(
                path = r.path(),
                events = %r.event_types().join(","),
                location = %format!("{}:{}", r.file(), r.line()),
                "receiver"
            );
        }
        for h in self.hooks().all() {
            tracing::info!(
                hook = h.kind().as_str(),
                path = h.path(),
                location = %format!("{}:{}", h.file(), h.line()),
                "hook"
            );
        }
    }

    /// Serves the router on `listener` until `shutdown` completes, then stops accepting
    /// connections and lets in-flight webhooks finish (graceful shutdown).
    ///
    /// # Errors
    /// The I/O error that stopped the server.
    pub async fn serve(
        &self,
        listener: TcpListener,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let app = self
            .router()
            .into_make_service_with_connect_info::<SocketAddr>();
        axum::serve(listener, app)
            .with_graceful_shutdown(shutdown)
            .await?;
        self.finish_after_commit_actions().await;
        self.inner.endpoint_cache.stop().await;
        Ok(())
    }

    /// Runs a job worker (the outbox, [`crate::jobs`]) until `shutdown` completes. `serve` runs
    /// one beside the server unless `STRIPE_RECEIVER_JOBS_WORKER=false`; `stripe-receiver jobs
    /// work` runs one alone.
    pub async fn run_jobs(&self, shutdown: impl Future<Output = ()>) {
        crate::jobs::run_worker(Arc::clone(&self.inner), shutdown).await;
    }

    /// Waits (at most 10 s) for the after-commit actions of committed webhooks still running.
    /// `serve` calls it once the server has stopped; call it yourself before exiting when you
    /// serve [`Runtime::router`] in your own axum app.
    pub async fn finish_after_commit_actions(&self) {
        let tasks = &self.inner.tasks;
        tasks.close();
        if !tasks.is_empty() {
            tracing::info!(running = tasks.len(), "waiting for after-commit actions");
            if tokio::time::timeout(std::time::Duration::from_secs(10), tasks.wait())
                .await
                .is_err()
            {
                tracing::warn!(
                    running = tasks.len(),
                    "after-commit actions still running after 10 s are abandoned"
                );
            }
        }
        tasks.reopen();
    }
}

/// Completes on Ctrl-C (SIGINT) or SIGTERM, for a graceful shutdown. From then on, a second
/// Ctrl-C ends the process at once (exit status 130) instead of waiting for in-flight webhooks.
pub async fn shutdown_signal() {
    first_signal().await;
    tokio::spawn(async {
        if tokio::signal::ctrl_c().await.is_ok() {
            eprintln!("second Ctrl-C: exiting without waiting for in-flight webhooks");
            std::process::exit(130);
        }
    });
}

async fn first_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: no new connections; in-flight webhooks finish");
}
