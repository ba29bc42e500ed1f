//! The runtime: database, receivers and state, ready to serve.

use std::future::Future;
use std::sync::Arc;

use axum::Router;
use sqlx::migrate::Migrator;
use tokio::net::TcpListener;
#[cfg(feature = "jobs")]
use tokio::sync::Notify;
use tokio_util::task::TaskTracker;

use crate::after_commit::AfterCommitTasks;
use crate::config::Config;
use crate::db::{Backend, Db, DbError, PoolSettings};
#[cfg(feature = "jobs")]
use crate::effects::JobsHandle;
use crate::endpoint_cache::CachedEndpoints;
use crate::hooks::{HookRegistry, HookRegistryError};
use crate::http::{self, Service};
#[cfg(feature = "jobs")]
use crate::jobs::{self, JobRegistry, JobRegistryError, Worker, WorkerSettings};
#[cfg(feature = "metrics")]
use crate::metrics::Metrics;
use crate::process::{Context, GroupCommitter, Pipeline, Settings};
use crate::registry::{Registry, RegistryError};
use crate::signature::{Clock, SystemClock};
use crate::state::StateMap;

/// Why the runtime could not start. Non-exhaustive: cargo features add variants.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StartError {
    /// The compiled-in receivers are inconsistent or need what the process lacks.
    #[error(transparent)]
    Registry(#[from] RegistryError),
    /// The database could not be opened or migrated.
    #[error(transparent)]
    Db(#[from] DbError),
    /// The compiled-in lifecycle hooks are inconsistent or need what the process lacks.
    #[error(transparent)]
    Hooks(#[from] HookRegistryError),
    /// The compiled-in job kinds are inconsistent or need what the process lacks.
    #[cfg(feature = "jobs")]
    #[error(transparent)]
    Jobs(#[from] JobRegistryError),
    /// The Stripe API client cannot be built from the configuration (`STRIPE_API_BASE`).
    #[cfg(feature = "stripe-api")]
    #[error("the Stripe API client: {0}")]
    StripeApi(#[from] crate::stripe_api::ApiError),
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
    /// Replaces the Stripe API client's settings derived from the configuration.
    #[cfg(feature = "stripe-api")]
    api_settings: Option<crate::stripe_api::ApiSettings>,
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

    /// Builds the Stripe API client from `settings` instead of from the configuration
    /// ([`ApiSettings::from_config`](crate::stripe_api::ApiSettings::from_config)): retries,
    /// backoff, timeout and rate limit are not environment settings (e.g. quick retries in
    /// tests).
    #[cfg(feature = "stripe-api")]
    #[must_use]
    pub fn stripe_api_settings(mut self, settings: crate::stripe_api::ApiSettings) -> Self {
        self.api_settings = Some(settings);
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
        let hooks = HookRegistry::from_inventory()?;
        #[cfg(feature = "jobs")]
        let jobs = Arc::new(JobRegistry::from_inventory()?);
        let backend = Db::backend_of_url(&self.config.database_url)?;
        // Refuse receivers the process cannot serve before touching the database.
        if self.check_receivers {
            registry.check_requirements(&self.state, backend)?;
            hooks.check_requirements(&self.state, backend)?;
            #[cfg(feature = "jobs")]
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
        #[cfg(feature = "stripe-api")]
        let stripe = crate::stripe_api::StripeClient::new(
            self.api_settings
                .unwrap_or_else(|| crate::stripe_api::ApiSettings::from_config(&self.config)),
        )?;
        let endpoint_cache = CachedEndpoints::start(db.clone(), self.config.db_timeout()).await;
        Ok(Runtime::wire(Parts {
            #[cfg(feature = "stripe-api")]
            stripe,
            config: self.config,
            db,
            registry,
            hooks,
            #[cfg(feature = "jobs")]
            jobs,
            state: self.state,
            clock: self.clock,
            endpoint_cache,
        }))
    }
}

/// What [`RuntimeBuilder::build`] has gathered, for [`Runtime::wire`].
struct Parts {
    config: Config,
    db: Db,
    registry: Registry,
    hooks: HookRegistry,
    #[cfg(feature = "jobs")]
    jobs: Arc<JobRegistry>,
    state: StateMap,
    clock: Arc<dyn Clock>,
    endpoint_cache: CachedEndpoints,
    #[cfg(feature = "stripe-api")]
    stripe: crate::stripe_api::StripeClient,
}

/// A started runtime: cheap to clone, shared by every request.
///
/// The runtime is the composition root: it builds the processing context, the pipeline,
/// the HTTP service and the job worker, and hands each what it needs. No module imports it but
/// the CLI's commands.
#[derive(Clone)]
pub struct Runtime {
    inner: Arc<Inner>,
}

struct Inner {
    config: Config,
    /// What processing reads (also the source of the accessors below).
    context: Arc<Context>,
    /// The HTTP handlers' shared state: the pipeline and the endpoint cache.
    http: Arc<Service>,
    /// After-commit actions in flight; a graceful shutdown waits for them.
    tasks: TaskTracker,
    /// The job kinds linked into the binary (the outbox), for the worker.
    #[cfg(feature = "jobs")]
    jobs: Arc<JobRegistry>,
    /// Wakes the job worker when a committed webhook enqueued jobs.
    #[cfg(feature = "jobs")]
    jobs_wakeup: Arc<Notify>,
}

impl Runtime {
    /// Wires the parts together: processing context, group commit, HTTP service.
    fn wire(parts: Parts) -> Self {
        let Parts {
            config,
            db,
            registry,
            hooks,
            #[cfg(feature = "jobs")]
            jobs,
            state,
            clock,
            endpoint_cache,
            #[cfg(feature = "stripe-api")]
            stripe,
        } = parts;
        let tasks = TaskTracker::new();
        #[cfg(feature = "jobs")]
        let jobs_wakeup = Arc::new(Notify::new());
        let context = Arc::new(Context {
            after_commit: AfterCommitTasks::new(
                tasks.clone(),
                #[cfg(feature = "jobs")]
                Arc::clone(&jobs_wakeup),
                db.clone(),
            ),
            #[cfg(feature = "jobs")]
            jobs: JobsHandle::new(
                jobs.kinds().iter().map(|kind| kind.name()),
                config.job_max_attempts,
            ),
            settings: Settings::from_config(&config),
            #[cfg(feature = "metrics")]
            metrics: config.metrics.then(Metrics::new),
            status_of: http::status_of,
            #[cfg(feature = "stripe-api")]
            stripe,
            db,
            registry,
            hooks,
            state,
            clock,
        });
        let group_commit = config
            .group_commit
            .enabled(context.db.backend())
            .then(|| GroupCommitter::start(Arc::clone(&context), &config));
        let pipeline = Pipeline::new(Arc::clone(&context), group_commit);
        let http = Arc::new(Service::new(pipeline, endpoint_cache, &config));
        Self {
            inner: Arc::new(Inner {
                config,
                context,
                http,
                tasks,
                #[cfg(feature = "jobs")]
                jobs,
                #[cfg(feature = "jobs")]
                jobs_wakeup,
            }),
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
            #[cfg(feature = "stripe-api")]
            api_settings: None,
        }
    }

    /// The database.
    #[must_use]
    pub fn db(&self) -> &Db {
        &self.inner.context.db
    }

    /// The endpoints, through the cache the server looks them up in: a change made here is seen
    /// by the very next delivery (one made elsewhere, once the database tells of it).
    #[must_use]
    pub fn endpoints(&self) -> &CachedEndpoints {
        self.inner.http.endpoints()
    }

    /// The Stripe API client, built from the configuration (`STRIPE_API_BASE`,
    /// `STRIPE_API_VERSION`, the secret keys): the one every call to Stripe goes through.
    #[cfg(feature = "stripe-api")]
    #[must_use]
    pub fn stripe_client(&self) -> &crate::stripe_api::StripeClient {
        &self.inner.context.stripe
    }

    /// The compiled-in receivers.
    #[must_use]
    pub fn registry(&self) -> &Registry {
        &self.inner.context.registry
    }

    /// The configuration.
    #[must_use]
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// The compiled-in lifecycle hooks.
    #[must_use]
    pub fn hooks(&self) -> &HookRegistry {
        &self.inner.context.hooks
    }

    /// The metrics (served at `GET /metrics`), when `STRIPE_RECEIVER_METRICS` is on; `None`
    /// otherwise.
    #[must_use]
    #[cfg(feature = "metrics")]
    pub fn metrics(&self) -> Option<&Metrics> {
        self.inner.context.metrics.as_ref()
    }

    /// Logs every compiled-in receiver (event types, path, file:line) and lifecycle hook
    /// (hook, path, file:line) at INFO.
    pub fn log_receivers(&self) {
        // The built-in object sync is there with its feature; the warning is about the
        // application's receivers.
        #[cfg(feature = "sync")]
        let builtins =
            self.registry().receivers().len() - self.registry().application_receivers().count();
        #[cfg(feature = "sync")]
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

    /// The router: `POST /webhooks/{uuid}` (a trailing slash is accepted too; other methods get
    /// 405) and `GET /healthz`. Nest it into your own axum app, outside any auth or CSRF layer
    /// of yours (Stripe authenticates with the signature, not with your session):
    ///
    /// ```ignore
    /// let app = Router::new().nest("/stripe", runtime.router()).merge(your_routes);
    /// axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>()).await?;
    /// ```
    ///
    /// Serve it with `into_make_service_with_connect_info::<SocketAddr>()` so deliveries record
    /// the client's IP; without it `remote_ip` is stored as null.
    ///
    /// With `STRIPE_RECEIVER_METRICS` on, the router also serves `GET /metrics` (Prometheus
    /// text). It is then reachable wherever the webhooks are, which is usually the internet:
    /// mount [`Runtime::metrics_router`] on an internal listener instead and leave metrics off
    /// here if that matters to you.
    pub fn router(&self) -> Router {
        http::router(Arc::clone(&self.inner.http))
    }

    /// A router serving only `GET /metrics` (Prometheus text format; 404 while metrics are
    /// off), to mount on a listener of your own that only your monitoring reaches.
    #[cfg(feature = "metrics")]
    pub fn metrics_router(&self) -> Router {
        http::metrics_router(Arc::clone(&self.inner.http))
    }

    /// Serves the router on `listener` until `shutdown` completes, then stops accepting
    /// connections, lets in-flight webhooks finish (graceful shutdown), waits for deliveries
    /// still being processed after their client went away and for after-commit actions
    /// ([`Runtime::finish_after_commit_actions`]), and returns.
    ///
    /// Slow and idle clients are bounded by `STRIPE_RECEIVER_HEADER_TIMEOUT` (seconds to send
    /// the headers, from the connection's opening or from its going idle after an answer:
    /// the idle timeout too), `STRIPE_RECEIVER_BODY_TIMEOUT` (seconds to send the body: 408,
    /// nothing stored) and `STRIPE_RECEIVER_MAX_CONNECTIONS` (connections past it wait in the
    /// listen backlog). An error of `accept` (a reset connection, the open-file limit) is
    /// logged and the loop goes on, so serving ends only with `shutdown`.
    pub async fn serve(
        &self,
        listener: TcpListener,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) {
        let config = &self.inner.config;
        let limits = http::ConnectionLimits {
            header_timeout: config.header_timeout(),
            max_connections: usize::try_from(config.max_connections).unwrap_or(usize::MAX),
        };
        http::serve(self.router(), listener, limits, shutdown).await;
        self.finish_after_commit_actions().await;
        self.inner.http.stop().await;
    }

    /// Runs a job worker (the outbox, [`crate::jobs`]) until `shutdown` completes. `serve` runs
    /// one beside the server unless `STRIPE_RECEIVER_JOBS_WORKER=false`; `stripe-receiver jobs
    /// work` runs one alone.
    #[cfg(feature = "jobs")]
    pub async fn run_jobs(&self, shutdown: impl Future<Output = ()>) {
        let context = &self.inner.context;
        let worker = Worker {
            db: context.db.clone(),
            jobs: Arc::clone(&self.inner.jobs),
            state: context.state.clone(),
            wakeup: Arc::clone(&self.inner.jobs_wakeup),
            settings: WorkerSettings::from_config(&self.inner.config),
        };
        jobs::run_worker(Arc::new(worker), shutdown).await;
    }

    /// Waits for the deliveries still being processed (a delivery whose client went away is
    /// processed to the end all the same: its row, its hooks), then (at most 10 s) for the
    /// after-commit actions of committed webhooks still running. `serve` calls it once the
    /// server has stopped; call it yourself before exiting when you serve [`Runtime::router`]
    /// in your own axum app.
    pub async fn finish_after_commit_actions(&self) {
        self.inner.http.finish_processing().await;
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
