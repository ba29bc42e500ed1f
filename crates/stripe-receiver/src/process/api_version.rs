//! The warning that an endpoint receives events rendered in an API version other than the one
//! it is pinned to (README "Moved fields"): Stripe renders an event's `data.object` in the
//! version of the endpoint that receives it, so a mismatch means the endpoint on Stripe and its
//! row here disagree, and fields the synced columns read may sit elsewhere than expected.
//!
//! Logged once per (endpoint, event version) per process, so a busy endpoint does not repeat it
//! for every delivery.

use std::collections::HashSet;
use std::sync::{LazyLock, Mutex, PoisonError};

use uuid::Uuid;

use crate::endpoint::Endpoint;
use crate::event::Event;

/// How many (endpoint, version) pairs one process remembers; past that no more warnings are
/// logged. Pairs come from verified events only, and real deployments have a few endpoints
/// and versions, so the bound only guards memory.
const MAX_PAIRS: usize = 4096;

/// The (endpoint, event version) pairs already warned about.
#[derive(Debug, Default)]
struct Warned {
    pairs: Mutex<HashSet<(Uuid, String)>>,
}

impl Warned {
    /// Whether an event in `version` on endpoint `endpoint`, pinned to `pinned`, is a mismatch
    /// not reported before (and, if so, remembers it). No pinned version, no version on the
    /// event (old payloads), or the same version: `false`.
    fn first_mismatch(&self, endpoint: Uuid, pinned: Option<&str>, version: Option<&str>) -> bool {
        let (Some(pinned), Some(version)) = (pinned, version) else {
            return false;
        };
        if pinned == version {
            return false;
        }
        let mut pairs = self.pairs.lock().unwrap_or_else(PoisonError::into_inner);
        if pairs.len() >= MAX_PAIRS {
            return false;
        }
        pairs.insert((endpoint, version.to_owned()))
    }
}

/// Logs a `warn` when `event` is rendered in an API version other than `endpoint`'s pinned
/// `api_version`, the first time this process sees that version on that endpoint.
pub(crate) fn warn_on_version_mismatch(endpoint: &Endpoint, event: &Event) {
    static WARNED: LazyLock<Warned> = LazyLock::new(Warned::default);
    let pinned = endpoint.api_version.as_deref();
    let version = event.api_version.as_deref();
    if WARNED.first_mismatch(endpoint.uuid, pinned, version) {
        tracing::warn!(
            endpoint = %endpoint.uuid,
            event_api_version = version,
            pinned_api_version = pinned,
            event_id = %event.id,
            "events arrive in an API version other than the endpoint's pinned one; \
             fields Stripe moved between versions are read from both places \
             (README \"Moved fields\"); logged once per endpoint and version"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn once_per_endpoint_and_version() {
        let warned = Warned::default();
        let (a, b) = (Uuid::new_v4(), Uuid::new_v4());
        let pinned = Some("2026-01-28.clover");
        assert!(warned.first_mismatch(a, pinned, Some("2020-08-27")));
        assert!(!warned.first_mismatch(a, pinned, Some("2020-08-27")));
        assert!(warned.first_mismatch(a, pinned, Some("2025-03-31.basil")));
        assert!(warned.first_mismatch(b, pinned, Some("2020-08-27")));
        assert!(!warned.first_mismatch(b, pinned, Some("2020-08-27")));
    }

    #[test]
    fn no_warning_without_a_mismatch() {
        let warned = Warned::default();
        let a = Uuid::new_v4();
        assert!(
            !warned.first_mismatch(a, None, Some("2020-08-27")),
            "not pinned"
        );
        assert!(
            !warned.first_mismatch(a, Some("2020-08-27"), None),
            "old event"
        );
        assert!(!warned.first_mismatch(a, Some("2020-08-27"), Some("2020-08-27")));
        assert!(warned.pairs.lock().unwrap().is_empty());
    }

    #[test]
    fn remembers_a_bounded_number_of_pairs() {
        let warned = Warned::default();
        let a = Uuid::new_v4();
        for i in 0..MAX_PAIRS {
            assert!(warned.first_mismatch(a, Some("pinned"), Some(&format!("v{i}"))));
        }
        assert!(!warned.first_mismatch(a, Some("pinned"), Some("one more")));
        assert_eq!(warned.pairs.lock().unwrap().len(), MAX_PAIRS);
    }
}
