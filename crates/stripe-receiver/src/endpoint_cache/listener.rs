//! PostgreSQL: the listener that tells the endpoint cache of changes (`LISTEN` on the channel
//! the endpoint triggers notify), on a connection of its own beside the pool.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use sqlx::postgres::{PgListener, PgPool, PgPoolOptions};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use super::{lock, Shared};
use crate::db::PgDb;

/// The PostgreSQL channel the endpoint triggers notify (payload: the endpoint's uuid, or `*`).
const CHANNEL: &str = "stripe_receiver_endpoints";

/// The listener's `application_name` (visible in `pg_stat_activity`).
const LISTENER_APPLICATION_NAME: &str = "stripe-receiver endpoint listener";

/// The first wait before the listener connects again after a failure; doubles up to
/// [`MAX_BACKOFF`].
const MIN_BACKOFF: Duration = Duration::from_millis(100);
const MAX_BACKOFF: Duration = Duration::from_secs(5);

/// The listener task of a cache, and its connection's pool.
pub(super) struct Listener {
    stop: CancellationToken,
    task: Mutex<Option<JoinHandle<()>>>,
    pool: PgPool,
}

impl Listener {
    /// Starts the listener for `shared` on `db`'s server and waits (at most `timeout` and a
    /// second) for its first attempt to subscribe.
    pub(super) async fn start(db: &PgDb, shared: Arc<Shared>, timeout: Duration) -> Self {
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
        let task = tokio::spawn(listen(shared, pool.clone(), stop.clone(), ready));
        let _ = tokio::time::timeout(timeout + Duration::from_secs(1), first_attempt).await;
        Self {
            stop,
            task: Mutex::new(Some(task)),
            pool,
        }
    }

    /// Stops the task (the cache is bypassed from then on) and closes its connection.
    pub(super) async fn stop(&self) {
        self.stop.cancel();
        let task = lock(&self.task).take();
        if let Some(task) = task {
            let _ = task.await;
        }
        let _ = tokio::time::timeout(Duration::from_secs(1), self.pool.close()).await;
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        self.stop.cancel();
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
