//! What processing a delivery needs, handed in by whoever builds the pipeline (the runtime).

use std::sync::Arc;

use crate::after_commit::AfterCommitTasks;
use crate::api_key::ApiKey;
use crate::config::Config;
#[cfg(all(feature = "sync", feature = "stripe-api"))]
use crate::config::Refetch;
use crate::db::Db;
use crate::effects::Effects;
#[cfg(feature = "jobs")]
use crate::effects::JobsHandle;
use crate::hooks::HookRegistry;
#[cfg(feature = "metrics")]
use crate::metrics::Metrics;
use crate::registry::Registry;
use crate::signature::Clock;
use crate::state::StateMap;

use super::incoming::Incoming;
use super::result::Failure;

/// Everything the pipeline reads, and nothing it does not: shared (in an `Arc`) by the request
/// handlers and the group-commit writers. Processing never reaches anything else of the runtime.
pub(crate) struct Context {
    pub db: Db,
    /// The compiled-in receivers.
    pub registry: Registry,
    /// The compiled-in lifecycle hooks.
    pub hooks: HookRegistry,
    /// The values receivers and hooks take as `State<T>`.
    pub state: StateMap,
    /// The metrics, when `STRIPE_RECEIVER_METRICS` is on.
    #[cfg(feature = "metrics")]
    pub metrics: Option<Metrics>,
    /// The clock signature timestamps are checked against.
    pub clock: Arc<dyn Clock>,
    pub settings: Settings,
    /// What a webhook's transaction needs to enqueue jobs.
    #[cfg(feature = "jobs")]
    pub jobs: JobsHandle,
    /// Where a committed webhook's after-commit actions run.
    pub after_commit: AfterCommitTasks,
    /// The HTTP status a failure is answered with, for `webhook_processing_error`
    /// ([`crate::hooks::ProcessingError::status`]). The HTTP layer owns that mapping; the
    /// runtime hands it in, so that processing does not depend on HTTP.
    pub status_of: fn(&Failure) -> u16,
    /// The Stripe API client (validation mode `retrieve_event`, re-fetching objects).
    #[cfg(feature = "stripe-api")]
    pub stripe: crate::stripe_api::StripeClient,
}

impl Context {
    /// The effects of one attempt at `incoming`'s event `event_id`: nothing collected yet, the
    /// jobs it may enqueue, and when its built-in sync re-fetches objects (the endpoint's
    /// setting, else `STRIPE_RECEIVER_REFETCH`).
    pub(crate) fn effects(&self, incoming: &Incoming, event_id: &str) -> Effects {
        #[cfg(not(feature = "jobs"))]
        let _ = event_id;
        #[allow(unused_mut)] // set only with both features
        let mut effects = Effects::new(
            #[cfg(feature = "jobs")]
            self.jobs.clone(),
            #[cfg(feature = "jobs")]
            event_id,
        );
        #[cfg(all(feature = "sync", feature = "stripe-api"))]
        {
            let when = incoming.endpoint.refetch.unwrap_or(self.settings.refetch);
            effects.refetch = crate::effects::Refetcher::new(&self.stripe, when);
        }
        #[cfg(not(all(feature = "sync", feature = "stripe-api")))]
        let _ = incoming;
        effects
    }
}

/// The configuration processing reads.
pub(crate) struct Settings {
    /// `STRIPE_RECEIVER_PROCESSING_TIMEOUT`, in seconds: the limit of each hook phase and of
    /// each attempt's transaction.
    pub processing_timeout_secs: u64,
    /// The API keys hooks are given, by the endpoint's mode.
    pub test_api_key: Option<ApiKey>,
    pub live_api_key: Option<ApiKey>,
    /// `STRIPE_RECEIVER_REFETCH`: when the built-in sync re-fetches objects, unless the
    /// endpoint says otherwise.
    #[cfg(all(feature = "sync", feature = "stripe-api"))]
    pub refetch: Refetch,
}

impl Settings {
    /// What `config` says.
    pub(crate) fn from_config(config: &Config) -> Self {
        Self {
            processing_timeout_secs: config.processing_timeout_secs,
            test_api_key: config.api_key(false).cloned(),
            live_api_key: config.api_key(true).cloned(),
            #[cfg(all(feature = "sync", feature = "stripe-api"))]
            refetch: config.refetch,
        }
    }

    /// The API key for an endpoint of this mode, if one is configured.
    pub(crate) fn api_key(&self, livemode: bool) -> Option<&ApiKey> {
        if livemode {
            self.live_api_key.as_ref()
        } else {
            self.test_api_key.as_ref()
        }
    }
}
