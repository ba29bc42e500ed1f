//! Prometheus metrics of webhook processing, served as text at `GET /metrics` when
//! `STRIPE_RECEIVER_METRICS` is on.
//!
//! Each [`Runtime`](crate::Runtime) owns its own registry (nothing process-global), so two
//! runtimes in one process — tests, or two apps — count separately.
//!
//! | metric | type | labels | counts |
//! |---|---|---|---|
//! | `stripe_receiver_deliveries_total` | counter | `outcome` | answered deliveries, by outcome (`processed`, `duplicate`, `conflict`, `skipped`, `invalid`, `failed`) |
//! | `stripe_receiver_events_total` | counter | `event_type`, `outcome` | deliveries whose body verified as an event, by its type and the delivery's outcome |
//! | `stripe_receiver_processing_duration_seconds` | histogram | | from the body read to the answer, per delivery |
//! | `stripe_receiver_receiver_duration_seconds` | histogram | `receiver` | one receiver call (each attempt), by receiver path |
//! | `stripe_receiver_receiver_failures_total` | counter | `receiver`, `class` | receiver calls that failed: `receiver_error`, `receiver_panic`, `receiver_timeout` |
//! | `stripe_receiver_validation_failures_total` | counter | `class` | deliveries refused by validation, by failure class |
//! | `stripe_receiver_hook_failures_total` | counter | `hook`, `path`, `class` | hook functions that failed: `hook_error`, `hook_panic`, `hook_timeout` |
//! | `stripe_receiver_group_commit_batch_size` | histogram | | with group commit: webhooks committed by one commit (its `_count` is the number of group commits, its `_sum` the webhooks they committed) |

use std::time::Duration;

use prometheus::{
    Encoder, Histogram, HistogramOpts, HistogramVec, IntCounterVec, Opts, Registry, TextEncoder,
};

use crate::delivery::Outcome;
use crate::hooks::HookKind;

/// The `Content-Type` of the text exposition format served at `/metrics`.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// Bucket bounds of the latency histograms, seconds: 5 ms to 30 s (the default processing
/// timeout).
const LATENCY_BUCKETS: [f64; 12] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

/// Bucket bounds of the group-commit batch size, webhooks.
const BATCH_BUCKETS: [f64; 10] = [1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0, 1024.0];

const OUTCOMES: [Outcome; 6] = [
    Outcome::Processed,
    Outcome::Duplicate,
    Outcome::Conflict,
    Outcome::Skipped,
    Outcome::Invalid,
    Outcome::Failed,
];

/// Validation failure classes, exported at 0 from the start so that rates work before the
/// first failure.
const VALIDATION_CLASSES: [&str; 15] = [
    "missing_header",
    "malformed_header",
    "no_v1_signature",
    "timestamp_outside_tolerance",
    "no_matching_signature",
    "body_not_json",
    "not_an_event",
    "no_usable_secret",
    "validation_mode_unsupported",
    // Validation mode `retrieve_event` (process/retrieve.rs).
    "event_not_found",
    "stripe_unavailable",
    "no_api_key",
    "stripe_refused",
    "stripe_bad_answer",
    "stripe_api_error",
];

/// The metrics of one runtime and the registry they are exported from.
#[derive(Debug, Clone)]
pub struct Metrics {
    registry: Registry,
    deliveries: IntCounterVec,
    events: IntCounterVec,
    processing: Histogram,
    receiver_duration: HistogramVec,
    receiver_failures: IntCounterVec,
    validation_failures: IntCounterVec,
    hook_failures: IntCounterVec,
    batch_size: Histogram,
}

impl Metrics {
    /// A fresh registry holding every metric of the table above, counters at 0.
    ///
    /// # Panics
    /// Never: the metric names and labels are constants known to be valid and distinct.
    #[must_use]
    pub fn new() -> Self {
        let registry = Registry::new();
        let counter = |name: &str, help: &str, labels: &[&str]| {
            let c = IntCounterVec::new(Opts::new(name, help), labels).expect("valid metric");
            registry
                .register(Box::new(c.clone()))
                .expect("distinct metric");
            c
        };
        let deliveries = counter(
            "stripe_receiver_deliveries_total",
            "Webhook deliveries answered, by outcome.",
            &["outcome"],
        );
        let events = counter(
            "stripe_receiver_events_total",
            "Deliveries whose body verified as an event, by event type and outcome.",
            &["event_type", "outcome"],
        );
        let receiver_failures = counter(
            "stripe_receiver_receiver_failures_total",
            "Receiver calls that failed, by receiver path and failure class.",
            &["receiver", "class"],
        );
        let validation_failures = counter(
            "stripe_receiver_validation_failures_total",
            "Deliveries refused by validation, by failure class.",
            &["class"],
        );
        let hook_failures = counter(
            "stripe_receiver_hook_failures_total",
            "Hook functions that failed, by hook, function path and failure class.",
            &["hook", "path", "class"],
        );
        let processing = Histogram::with_opts(
            HistogramOpts::new(
                "stripe_receiver_processing_duration_seconds",
                "Time from a delivery's body being read to its answer, seconds.",
            )
            .buckets(LATENCY_BUCKETS.to_vec()),
        )
        .expect("valid metric");
        registry
            .register(Box::new(processing.clone()))
            .expect("distinct metric");
        let receiver_duration = HistogramVec::new(
            HistogramOpts::new(
                "stripe_receiver_receiver_duration_seconds",
                "Time of one receiver call, seconds, by receiver path.",
            )
            .buckets(LATENCY_BUCKETS.to_vec()),
            &["receiver"],
        )
        .expect("valid metric");
        registry
            .register(Box::new(receiver_duration.clone()))
            .expect("distinct metric");
        let batch_size = Histogram::with_opts(
            HistogramOpts::new(
                "stripe_receiver_group_commit_batch_size",
                "Webhooks committed together by one group commit.",
            )
            .buckets(BATCH_BUCKETS.to_vec()),
        )
        .expect("valid metric");
        registry
            .register(Box::new(batch_size.clone()))
            .expect("distinct metric");
        for outcome in OUTCOMES {
            deliveries.with_label_values(&[outcome.as_str()]);
        }
        for class in VALIDATION_CLASSES {
            validation_failures.with_label_values(&[class]);
        }
        Self {
            registry,
            deliveries,
            events,
            processing,
            receiver_duration,
            receiver_failures,
            validation_failures,
            hook_failures,
            batch_size,
        }
    }

    /// The registry, to register an application's own metrics next to these (they are then
    /// served at `/metrics` too).
    #[must_use]
    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    /// Everything in the registry, in the Prometheus text exposition format (version 0.0.4).
    #[must_use]
    pub fn render(&self) -> String {
        let mut out = Vec::new();
        TextEncoder::new()
            .encode(&self.registry.gather(), &mut out)
            .expect("encoding into a Vec cannot fail");
        String::from_utf8(out).expect("the text format is UTF-8")
    }

    /// Counts one answered delivery.
    pub(crate) fn delivery(&self, outcome: Outcome, event_type: Option<&str>, elapsed: Duration) {
        self.deliveries.with_label_values(&[outcome.as_str()]).inc();
        if let Some(event_type) = event_type {
            self.events
                .with_label_values(&[event_type, outcome.as_str()])
                .inc();
        }
        self.processing.observe(elapsed.as_secs_f64());
    }

    /// Counts a delivery refused by validation.
    pub(crate) fn validation_failure(&self, class: &str) {
        self.validation_failures.with_label_values(&[class]).inc();
    }

    /// Records one receiver call; `failure` is its class when it failed.
    pub(crate) fn receiver(&self, path: &str, elapsed: Duration, failure: Option<&str>) {
        self.receiver_duration
            .with_label_values(&[path])
            .observe(elapsed.as_secs_f64());
        if let Some(class) = failure {
            self.receiver_failures
                .with_label_values(&[path, class])
                .inc();
        }
    }

    /// Records one group commit that committed `webhooks` webhooks.
    pub(crate) fn group_commit(&self, webhooks: usize) {
        self.batch_size.observe(webhooks as f64);
    }

    /// Counts a failed hook function.
    pub(crate) fn hook_failure(&self, kind: HookKind, path: &str, class: &str) {
        self.hook_failures
            .with_label_values(&[kind.as_str(), path, class])
            .inc();
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counts_in_text_format() {
        let m = Metrics::new();
        let text = m.render();
        assert!(
            text.contains("stripe_receiver_deliveries_total{outcome=\"processed\"} 0"),
            "{text}"
        );
        m.delivery(
            Outcome::Processed,
            Some("charge.succeeded"),
            Duration::from_millis(3),
        );
        m.delivery(Outcome::Invalid, None, Duration::from_millis(40));
        m.validation_failure("no_matching_signature");
        m.receiver("app::a", Duration::from_millis(1), Some("receiver_error"));
        m.hook_failure(HookKind::PostProcess, "app::audit", "hook_panic");
        let text = m.render();
        for line in [
            "# TYPE stripe_receiver_deliveries_total counter",
            "stripe_receiver_deliveries_total{outcome=\"processed\"} 1",
            "stripe_receiver_deliveries_total{outcome=\"invalid\"} 1",
            "stripe_receiver_events_total{event_type=\"charge.succeeded\",outcome=\"processed\"} 1",
            "stripe_receiver_validation_failures_total{class=\"no_matching_signature\"} 1",
            "stripe_receiver_receiver_failures_total{class=\"receiver_error\",receiver=\"app::a\"} 1",
            "stripe_receiver_hook_failures_total{class=\"hook_panic\",hook=\"webhook_post_process\",path=\"app::audit\"} 1",
            "stripe_receiver_processing_duration_seconds_bucket{le=\"0.005\"} 1",
            "stripe_receiver_processing_duration_seconds_bucket{le=\"0.05\"} 2",
            "stripe_receiver_processing_duration_seconds_count 2",
            "stripe_receiver_receiver_duration_seconds_count{receiver=\"app::a\"} 1",
        ] {
            assert!(text.lines().any(|l| l == line), "missing {line:?} in\n{text}");
        }
    }

    #[test]
    fn registries_are_per_instance() {
        let a = Metrics::new();
        let b = Metrics::new();
        a.validation_failure("missing_header");
        assert!(b
            .render()
            .contains("stripe_receiver_validation_failures_total{class=\"missing_header\"} 0"));
    }
}
