//! What a webhook's transaction leaves to do once it has committed: after-commit actions
//! (Django's `transaction.on_commit`), and whether jobs were enqueued (to wake the worker).

use std::future::Future;
#[cfg(feature = "jobs")]
use std::sync::Arc;

use crate::boxed::{BoxError, BoxFuture};

/// An action registered with [`crate::Tx::after_commit`].
pub(crate) struct AfterCommit {
    /// The receiver that registered it (its path), for logs and the delivery record.
    pub registered_by: &'static str,
    pub action: BoxFuture<'static, Result<(), BoxError>>,
}

/// What enqueueing needs: the names of the linked job kinds and the attempts a new job gets.
/// Plain data, so that the transaction handle does not depend on the job registry (which
/// depends on the registrations, which name the transaction handle).
#[cfg(feature = "jobs")]
#[derive(Clone)]
pub(crate) struct JobsHandle {
    /// Sorted.
    names: Arc<[&'static str]>,
    max_attempts: u32,
}

#[cfg(feature = "jobs")]
impl JobsHandle {
    /// The job kinds `names` (in any order); a new job gets `max_attempts` attempts.
    pub(crate) fn new(names: impl IntoIterator<Item = &'static str>, max_attempts: u32) -> Self {
        let mut names: Vec<&'static str> = names.into_iter().collect();
        names.sort_unstable();
        Self {
            names: names.into(),
            max_attempts,
        }
    }

    /// Whether a job kind of this name is linked in.
    pub(crate) fn known(&self, name: &str) -> bool {
        self.names.binary_search(&name).is_ok()
    }

    /// The attempts a new job gets.
    pub(crate) fn max_attempts(&self) -> u32 {
        self.max_attempts
    }
}

/// Side effects collected during one attempt at a webhook's transaction. A failed attempt's
/// collection is dropped with it: its actions never run.
pub(crate) struct Effects {
    pub after_commit: Vec<AfterCommit>,
    #[cfg(feature = "jobs")]
    pub jobs_enqueued: usize,
    /// The receiver now running (set by the runtime around each call).
    pub current_receiver: &'static str,
    /// The event being processed (the jobs it enqueues name it).
    #[cfg(feature = "jobs")]
    pub event_id: Option<String>,
    #[cfg(feature = "jobs")]
    pub jobs: JobsHandle,
    /// When and with what the built-in sync re-fetches objects from Stripe; `None`: never.
    #[cfg(all(feature = "sync", feature = "stripe-api"))]
    pub refetch: Option<Refetcher>,
}

/// What the built-in sync of a webhook may ask Stripe for (README "Ordering guard"): the
/// object's current state, with `client`, `when` the endpoint's or the process's
/// `STRIPE_RECEIVER_REFETCH` says ([`Ties`](crate::config::Refetch::Ties) or
/// [`Always`](crate::config::Refetch::Always)).
#[cfg(all(feature = "sync", feature = "stripe-api"))]
#[derive(Clone)]
pub(crate) struct Refetcher {
    pub client: crate::stripe_api::StripeClient,
    pub when: crate::config::Refetch,
}

#[cfg(all(feature = "sync", feature = "stripe-api"))]
impl Refetcher {
    /// A refetcher for `when`; `None` for [`Refetch::Never`](crate::config::Refetch::Never).
    pub(crate) fn new(
        client: &crate::stripe_api::StripeClient,
        when: crate::config::Refetch,
    ) -> Option<Self> {
        (when != crate::config::Refetch::Never).then(|| Self {
            client: client.clone(),
            when,
        })
    }
}

impl Effects {
    /// The effects of processing one event; without the `jobs` feature there is nothing to
    /// enqueue, and no arguments.
    pub(crate) fn new(
        #[cfg(feature = "jobs")] jobs: JobsHandle,
        #[cfg(feature = "jobs")] event_id: &str,
    ) -> Self {
        Self {
            after_commit: Vec::new(),
            #[cfg(feature = "jobs")]
            jobs_enqueued: 0,
            current_receiver: "",
            #[cfg(feature = "jobs")]
            event_id: Some(event_id.to_owned()),
            #[cfg(feature = "jobs")]
            jobs,
            #[cfg(all(feature = "sync", feature = "stripe-api"))]
            refetch: None,
        }
    }

    /// Effects of a transaction opened outside webhook processing (maintenance such as a
    /// re-sync): no job kinds to enqueue, no event; its after-commit actions are not run.
    #[cfg(feature = "sync")]
    pub(crate) fn detached() -> Self {
        #[cfg(feature = "jobs")]
        {
            let mut effects = Self::new(JobsHandle::new([], 1), "");
            effects.event_id = None;
            effects
        }
        #[cfg(not(feature = "jobs"))]
        Self::new()
    }

    pub(crate) fn push(
        &mut self,
        action: impl Future<Output = Result<(), BoxError>> + Send + 'static,
    ) {
        self.after_commit.push(AfterCommit {
            registered_by: self.current_receiver,
            action: Box::pin(action),
        });
    }
}
