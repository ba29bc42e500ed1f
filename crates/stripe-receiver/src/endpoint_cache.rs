//! The endpoint cache: `POST /webhooks/{uuid}` finds its endpoint without reading
//! `stripe_webhook_endpoints` on every delivery.
//!
//! Entries are the endpoint rows (enabled or not), keyed by uuid and shared as `Arc<Endpoint>`.
//! A uuid with no row is never cached (every such request reads the database, as without a
//! cache), so requests to made-up uuids cannot grow the cache: it holds at most one entry per
//! row of the table.
//!
//! # When a change is seen
//!
//! Endpoints are changed by other processes (the CLI's `endpoints disable|enable|roll-secret`
//! runs beside `serve`), so the database tells the cache; nothing relies on a timeout.
//!
//! - **SQLite** has no NOTIFY. Triggers bump a one-row counter,
//!   `stripe_endpoint_generation`, in the transaction of every insert, update or delete of an
//!   endpoint row. Each lookup reads the counter first (a primary-key read on a read
//!   connection) and empties the cache when it moved. A change committed by any process is
//!   therefore seen by every lookup that starts after the commit: immediately.
//! - **PostgreSQL**: triggers `pg_notify('stripe_receiver_endpoints', uuid)` on every insert,
//!   update or delete (and `*` on truncate); a listener task of the runtime, on a connection of
//!   its own, `LISTEN`s on that channel and evicts the uuid. A change made by another process is
//!   seen once its notification arrives, normally within milliseconds of the commit. Whenever
//!   the listener is not connected — before its first connection, after an error or a lost
//!   connection (notifications sent meanwhile are lost) — the cache is emptied and bypassed:
//!   every lookup reads the database until the listener is subscribed again, then the cache
//!   starts empty. A connection that dies without the socket saying so (a silent network
//!   partition) is noticed only when the operating system gives up on it; until then changes
//!   made elsewhere are not seen.
//! - **This process**: the `store::endpoints` functions that change an endpoint evict it at
//!   once from the caches of runtimes on the same database handle (the same [`Db`] or a clone
//!   of it), so `endpoints::set_enabled(runtime.db(), ..)` is seen by the very next request on
//!   PostgreSQL too. A separately opened [`Db`] counts as another process.
//!
//! A lookup that read the database while an invalidation happened does not store what it read
//! (an epoch counter, bumped by every eviction, is compared before inserting), so an entry read
//! before a change cannot land in the cache after that change's eviction.
//!
//! Cost. On PostgreSQL a hit costs no round trip and no transaction (a webhook's only commit is
//! its own). On SQLite a hit still costs the counter read; measured on a busy 2-core machine
//! (release build, 20,000 sequential reads) it took 30–57 µs against 38–64 µs for the full
//! endpoint read: both are dominated by sqlx's per-query overhead (taking a pooled reader and the
//! round trip to the connection's thread; the pools no longer ping before each acquire, which
//! took ~20 µs of that), which the hit saves only the row decoding, secrets JSON and allocations
//! of. The read happens before the webhook queues for the writer, so it does not lengthen the
//! writer's critical path.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, Weak};
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgListener, PgPool, PgPoolOptions};
use sqlx::sqlite::SqliteConnectOptions;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use crate::db::Db;
use crate::endpoint::Endpoint;
use crate::store::endpoints::{self, EndpointStoreError};

/// The PostgreSQL channel the endpoint triggers notify (payload: the endpoint's uuid, or `*`).
pub(crate) const CHANNEL: &str = "stripe_receiver_endpoints";

/// The listener's `application_name` (visible in `pg_stat_activity`).
const LISTENER_APPLICATION_NAME: &str = "stripe-receiver endpoint listener";

/// The first wait before the listener connects again after a failure; doubles up to
/// [`MAX_BACKOFF`].
const MIN_BACKOFF: Duration = Duration::from_millis(100);
const MAX_BACKOFF: Duration = Duration::from_secs(5);

/// A runtime's endpoint cache (see the module docs).
pub(crate) struct EndpointCache {
    shared: Arc<Shared>,
    /// PostgreSQL: the listener task.
    listener: Option<Listener>,
}

/// The state lookups, the listener and in-process evictions share.
struct Shared {
    /// The database handle the runtime uses, for in-process evictions.
    db: DbIdentity,
    state: Mutex<State>,
}

struct State {
    entries: HashMap<Uuid, Arc<Endpoint>>,
    /// Bumped by every invalidation. A lookup that missed notes it before reading the database
    /// and stores what it read only if it has not moved since.
    epoch: u64,
    /// Whether entries may be served: always on SQLite; on PostgreSQL only while the listener is
    /// subscribed.
    live: bool,
    /// SQLite: the highest `stripe_endpoint_generation` a lookup has read; the entries are at
    /// least that recent.
    generation: Option<i64>,
}

/// A miss that may store what it then reads: the epoch at the miss.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Ticket(u64);

struct Listener {
    stop: CancellationToken,
    task: Mutex<Option<JoinHandle<()>>>,
    pool: PgPool,
}

/// Which database handle: the connection options of its (writer) pool, which every clone of the
/// handle shares and a separately opened handle does not.
#[derive(Clone)]
enum DbIdentity {
    Sqlite(Arc<SqliteConnectOptions>),
    Postgres(Arc<PgConnectOptions>),
}

impl DbIdentity {
    fn of(db: &Db) -> Self {
        match db {
            Db::Sqlite(db) => Self::Sqlite(db.writer().connect_options()),
            Db::Postgres(db) => Self::Postgres(db.pool().connect_options()),
        }
    }

    fn same(&self, other: &Self) -> bool {
        match (self, other) {
            (Self::Sqlite(a), Self::Sqlite(b)) => Arc::ptr_eq(a, b),
            (Self::Postgres(a), Self::Postgres(b)) => Arc::ptr_eq(a, b),
            _ => false,
        }
    }
}

/// Every cache of this process, for [`changed`].
static CACHES: Mutex<Vec<Weak<Shared>>> = Mutex::new(Vec::new());

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // Nothing panics while holding these locks; a poisoned one is still consistent.
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Evicts `uuid` from the caches of runtimes that use `db` (or a clone of it): called by the
/// store functions that change an endpoint, after the change committed.
pub(crate) fn changed(db: &Db, uuid: Uuid) {
    let identity = DbIdentity::of(db);
    lock(&CACHES).retain(|cache| match cache.upgrade() {
        Some(shared) => {
            if shared.db.same(&identity) {
                shared.evict(uuid);
            }
            true
        }
        None => false,
    });
}

impl EndpointCache {
    /// A cache for a runtime on `db`. On PostgreSQL, starts the listener and waits (at most
    /// `timeout` and a second) for its first subscription, so that the first deliveries already
    /// use the cache; if that fails, the cache stays bypassed and the listener keeps trying.
    pub(crate) async fn start(db: &Db, timeout: Duration) -> Self {
        let shared = Arc::new(Shared {
            db: DbIdentity::of(db),
            state: Mutex::new(State {
                entries: HashMap::new(),
                epoch: 0,
                live: matches!(db, Db::Sqlite(_)),
                generation: None,
            }),
        });
        lock(&CACHES).push(Arc::downgrade(&shared));
        let listener = match db {
            Db::Sqlite(_) => None,
            Db::Postgres(db) => {
                let options = (*db.pool().connect_options())
                    .clone()
                    .application_name(LISTENER_APPLICATION_NAME);
                let pool = PgPoolOptions::new()
                    .max_connections(1)
                    .min_connections(0)
                    .max_lifetime(None)
                    .idle_timeout(None)
                    .acquire_timeout(timeout)
                    .connect_lazy_with(options);
                let stop = CancellationToken::new();
                let (ready, first_attempt) = tokio::sync::oneshot::channel();
                let task = tokio::spawn(listen(
                    Arc::clone(&shared),
                    pool.clone(),
                    stop.clone(),
                    ready,
                ));
                let _ = tokio::time::timeout(timeout + Duration::from_secs(1), first_attempt).await;
                Some(Listener {
                    stop,
                    task: Mutex::new(Some(task)),
                    pool,
                })
            }
        };
        Self { shared, listener }
    }

    /// The endpoint with this uuid, enabled or not: from the cache when it may be served, else
    /// from the database (and then cached if nothing was invalidated meanwhile).
    ///
    /// # Errors
    /// The database error, or [`EndpointStoreError::Corrupt`].
    pub(crate) async fn get(
        &self,
        db: &Db,
        uuid: Uuid,
    ) -> Result<Option<Arc<Endpoint>>, EndpointStoreError> {
        let generation = match db {
            Db::Sqlite(sqlite) => {
                let read: Option<i64> = sqlx::query_scalar(
                    "SELECT generation FROM stripe_endpoint_generation WHERE id = 1",
                )
                .fetch_optional(sqlite.reader())
                .await?;
                match read {
                    Some(generation) => Some(generation),
                    // The row was deleted by hand: nothing would tell of changes, so no cache.
                    None => return Ok(endpoints::get(db, uuid).await?.map(Arc::new)),
                }
            }
            Db::Postgres(_) => None,
        };
        let ticket = match self.shared.lookup(uuid, generation) {
            Ok(hit) => return Ok(Some(hit)),
            Err(ticket) => ticket,
        };
        let fresh = endpoints::get(db, uuid).await?.map(Arc::new);
        if let (Some(endpoint), Some(ticket)) = (&fresh, ticket) {
            self.shared.insert(ticket, Arc::clone(endpoint));
        }
        Ok(fresh)
    }

    /// Stops the listener (PostgreSQL) and closes its connection; from then on the cache is
    /// bypassed. `Runtime::serve` calls it once the server has stopped; dropping the runtime
    /// stops the listener too.
    pub(crate) async fn stop(&self) {
        let Some(listener) = &self.listener else {
            return;
        };
        listener.stop.cancel();
        let task = lock(&listener.task).take();
        if let Some(task) = task {
            let _ = task.await;
        }
        let _ = tokio::time::timeout(Duration::from_secs(1), listener.pool.close()).await;
    }
}

impl Drop for EndpointCache {
    fn drop(&mut self) {
        if let Some(listener) = &self.listener {
            listener.stop.cancel();
        }
    }
}

impl Shared {
    /// A hit, or the ticket of a miss (`None`: do not store what you read).
    fn lookup(&self, uuid: Uuid, generation: Option<i64>) -> Result<Arc<Endpoint>, Option<Ticket>> {
        let mut state = lock(&self.state);
        if let Some(generation) = generation {
            match state.generation {
                Some(seen) if seen >= generation => {}
                Some(_) => {
                    state.clear();
                    state.generation = Some(generation);
                }
                None => state.generation = Some(generation),
            }
        }
        if !state.live {
            return Err(None);
        }
        match state.entries.get(&uuid) {
            Some(endpoint) => Ok(Arc::clone(endpoint)),
            None => Err(Some(Ticket(state.epoch))),
        }
    }

    /// Stores what a miss read, unless something was invalidated since the miss.
    fn insert(&self, ticket: Ticket, endpoint: Arc<Endpoint>) {
        let mut state = lock(&self.state);
        if state.live && state.epoch == ticket.0 {
            state.entries.insert(endpoint.uuid, endpoint);
        }
    }

    fn evict(&self, uuid: Uuid) {
        let mut state = lock(&self.state);
        state.entries.remove(&uuid);
        state.epoch += 1;
    }

    /// A notification's payload: a uuid to evict; anything else (`*` from a truncate) empties
    /// the cache.
    fn notified(&self, payload: &str) {
        match Uuid::parse_str(payload) {
            Ok(uuid) => self.evict(uuid),
            Err(_) => lock(&self.state).clear(),
        }
    }

    /// Empties the cache and serves entries (`true`) or bypasses it (`false`) from now on.
    fn set_live(&self, live: bool) {
        let mut state = lock(&self.state);
        state.clear();
        state.live = live;
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        lock(&self.state).entries.len()
    }
}

impl State {
    fn clear(&mut self) {
        self.entries.clear();
        self.epoch += 1;
    }
}

/// The listener task: subscribes, evicts what is notified, and on any error or lost connection
/// empties and bypasses the cache until it is subscribed again. `ready` fires after the first
/// attempt, whatever its outcome.
async fn listen(
    shared: Arc<Shared>,
    pool: PgPool,
    stop: CancellationToken,
    ready: tokio::sync::oneshot::Sender<()>,
) {
    let mut ready = Some(ready);
    let mut backoff = MIN_BACKOFF;
    let mut down_logged = false;
    loop {
        let subscribed = tokio::select! {
            () = stop.cancelled() => break,
            subscribed = subscribe(&pool) => subscribed,
        };
        let mut listener = match subscribed {
            Ok(listener) => listener,
            Err(e) => {
                if let Some(ready) = ready.take() {
                    let _ = ready.send(());
                }
                if down_logged {
                    tracing::debug!(error = %e, "endpoint listener: still cannot subscribe");
                } else {
                    tracing::warn!(error = %e, "endpoint listener cannot subscribe; the endpoint cache is bypassed until it does (each delivery reads its endpoint)");
                    down_logged = true;
                }
                tokio::select! {
                    () = stop.cancelled() => break,
                    () = tokio::time::sleep(backoff) => {}
                }
                backoff = (backoff * 2).min(MAX_BACKOFF);
                continue;
            }
        };
        // Subscribed: every change committed from now on will be notified. What was cached
        // before may have missed notifications, so start empty.
        shared.set_live(true);
        if let Some(ready) = ready.take() {
            let _ = ready.send(());
        }
        if down_logged {
            tracing::info!("endpoint listener subscribed again; the endpoint cache is in use");
        }
        backoff = MIN_BACKOFF;
        let lost = loop {
            let next = tokio::select! {
                () = stop.cancelled() => {
                    shared.set_live(false);
                    return;
                }
                next = listener.try_recv() => next,
            };
            match next {
                Ok(Some(notification)) => shared.notified(notification.payload()),
                Ok(None) => break "the connection was lost".to_owned(),
                Err(e) => break e.to_string(),
            }
        };
        shared.set_live(false);
        tracing::warn!(error = %lost, "endpoint listener lost its subscription; the endpoint cache is emptied and bypassed until it is back");
        down_logged = true;
        drop(listener);
    }
    shared.set_live(false);
}

async fn subscribe(pool: &PgPool) -> Result<PgListener, sqlx::Error> {
    let mut listener = PgListener::connect_with(pool).await?;
    // A lost connection is reported (Ok(None)) rather than silently re-established, so that the
    // cache is emptied; this task subscribes again itself.
    listener.eager_reconnect(false);
    listener.ignore_pool_close_event(true);
    listener.listen(CHANNEL).await?;
    Ok(listener)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::endpoint::{webhook_url, EndpointSecret, ValidationMode};
    use crate::signature::Secret;

    fn shared(live: bool) -> Shared {
        Shared {
            db: DbIdentity::Sqlite(Arc::new(SqliteConnectOptions::new())),
            state: Mutex::new(State {
                entries: HashMap::new(),
                epoch: 0,
                live,
                generation: None,
            }),
        }
    }

    fn endpoint(uuid: Uuid) -> Arc<Endpoint> {
        Arc::new(Endpoint {
            uuid,
            stripe_id: None,
            url: webhook_url("http://x.test", uuid),
            secrets: vec![EndpointSecret {
                secret: Secret::new("whsec_a").unwrap(),
                expires_at: None,
            }],
            livemode: false,
            tolerance_secs: 300,
            validation: ValidationMode::VerifySignature,
            api_version: None,
            enabled_events: vec!["*".into()],
            account: None,
            enabled: true,
            created_at: chrono::Utc::now(),
            updated_at: chrono::Utc::now(),
        })
    }

    #[test]
    fn a_miss_stores_what_it_read_and_the_next_lookup_hits() {
        let s = shared(true);
        let id = Uuid::new_v4();
        let ticket = s.lookup(id, None).unwrap_err().unwrap();
        s.insert(ticket, endpoint(id));
        assert_eq!(s.lookup(id, None).unwrap().uuid, id);
    }

    #[test]
    fn a_read_overtaken_by_an_eviction_is_not_stored() {
        let s = shared(true);
        let id = Uuid::new_v4();
        let ticket = s.lookup(id, None).unwrap_err().unwrap();
        // The row changes (and is evicted) while the lookup reads the old row.
        s.evict(id);
        s.insert(ticket, endpoint(id));
        assert_eq!(s.len(), 0);
        assert!(s.lookup(id, None).is_err());
    }

    #[test]
    fn nothing_is_served_or_stored_while_not_live() {
        let s = shared(true);
        let id = Uuid::new_v4();
        let ticket = s.lookup(id, None).unwrap_err().unwrap();
        s.insert(ticket, endpoint(id));
        s.set_live(false);
        assert_eq!(s.lookup(id, None).unwrap_err(), None, "bypassed, no ticket");
        s.insert(ticket, endpoint(id));
        assert_eq!(s.len(), 0);
        // Back: starts empty.
        s.set_live(true);
        assert!(s.lookup(id, None).unwrap_err().is_some());
    }

    #[test]
    fn a_higher_generation_empties_the_cache_a_lower_one_does_not() {
        let s = shared(true);
        let id = Uuid::new_v4();
        let ticket = s.lookup(id, Some(5)).unwrap_err().unwrap();
        s.insert(ticket, endpoint(id));
        // A lookup that read the counter before the last change: the entry is newer than its
        // view, still served.
        assert!(s.lookup(id, Some(4)).is_ok());
        assert!(s.lookup(id, Some(5)).is_ok());
        let ticket = s.lookup(id, Some(6)).unwrap_err().unwrap();
        assert_eq!(s.len(), 0);
        s.insert(ticket, endpoint(id));
        assert!(s.lookup(id, Some(6)).is_ok());
    }

    #[test]
    fn a_truncate_empties_the_cache() {
        let s = shared(true);
        let (a, b) = (Uuid::new_v4(), Uuid::new_v4());
        for id in [a, b] {
            let ticket = s.lookup(id, None).unwrap_err().unwrap();
            s.insert(ticket, endpoint(id));
        }
        s.notified(&a.to_string());
        assert_eq!(s.len(), 1);
        s.notified("*");
        assert_eq!(s.len(), 0);
    }

    #[tokio::test]
    async fn in_process_changes_evict_only_from_caches_on_the_same_handle() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("t.db").display());
        let settings = crate::db::PoolSettings::default();
        let db = Db::connect(&url, &settings).await.unwrap();
        let other = Db::connect(&url, &settings).await.unwrap();
        let cache = EndpointCache::start(&db, Duration::from_secs(1)).await;
        let id = Uuid::new_v4();
        let fill = |cache: &EndpointCache| {
            let ticket = cache.shared.lookup(id, None).unwrap_err().unwrap();
            cache.shared.insert(ticket, endpoint(id));
        };
        fill(&cache);
        changed(&other, id);
        assert_eq!(cache.shared.len(), 1, "another handle is another process");
        changed(&db.clone(), id);
        assert_eq!(
            cache.shared.len(),
            0,
            "a clone of the runtime's handle evicts"
        );
        db.close().await;
        other.close().await;
    }
}
