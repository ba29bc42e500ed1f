//! Registry lookup (`cargo bench --bench registry`): 1,000 receivers spread over Stripe's 275
//! event types (some with family patterns), looking up the run order for one event type — what
//! every webhook does once.

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use stripe_receiver::__private::{kinds, BoxFuture, CallResult, Input, ReceiverData, Requirements};
use stripe_receiver::registry::Registry;
use stripe_receiver::Receiver;

fn noop<'a>(_: Input<'a, kinds::receiver>) -> BoxFuture<'a, CallResult> {
    Box::pin(async { Ok(()) })
}

fn no_requirements(_: &mut Requirements) {}

fn receivers() -> Vec<&'static Receiver> {
    let types: Vec<&'static str> =
        include_str!("../../stripe-receiver-macros/data/stripe-event-types.txt")
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .collect();
    assert!(types.len() >= 275, "{} types", types.len());
    (0..1000)
        .map(|i| {
            // Every 50th receiver also listens to a family; the rest to one or two exact types.
            let names: &'static [&'static str] = match i % 50 {
                0 => Box::leak(Box::new([
                    "customer.subscription.*",
                    types[i % types.len()],
                ])),
                7 => Box::leak(Box::new([
                    types[i % types.len()],
                    types[(i * 7) % types.len()],
                ])),
                _ => Box::leak(Box::new([types[i % types.len()]])),
            };
            let path: &'static str = Box::leak(format!("bench::receiver_{i:04}").into_boxed_str());
            &*Box::leak(Box::new(Receiver::new(
                ReceiverData::new(names),
                path,
                "bench.rs",
                1,
                noop,
                no_requirements,
            )))
        })
        .collect()
}

fn lookup(c: &mut Criterion) {
    let registry = Registry::build(receivers()).unwrap();
    let mut group = c.benchmark_group("registry_lookup_1000_receivers");
    for event_type in [
        "charge.succeeded",
        "customer.subscription.updated",
        "transfer.paid",
    ] {
        group.bench_function(event_type, |b| {
            b.iter(|| registry.receivers_for(black_box(event_type)).count())
        });
    }
    group.finish();
}

criterion_group!(benches, lookup);
criterion_main!(benches);
