//! Event envelope parse (`cargo bench --bench envelope`): `Event::from_slice` on a realistic
//! ~3 KB `charge.succeeded` body (the quickstart's sample).

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use stripe_receiver::Event;

fn parse(c: &mut Criterion) {
    let body = include_bytes!("../../../examples/events/charge.succeeded.json");
    let mut group = c.benchmark_group("envelope");
    group.throughput(Throughput::Bytes(body.len() as u64));
    group.bench_function("charge.succeeded", |b| {
        b.iter(|| Event::from_slice(black_box(body)).unwrap())
    });
    group.finish();
}

criterion_group!(benches, parse);
criterion_main!(benches);
