//! Signature verification throughput (`cargo bench --bench signature`): header parse + HMAC-SHA256
//! over `t.` + body + constant-time compare, for bodies of 1 KB, 3 KB, 100 KB and 1 MB. Reported
//! in bytes/s, to set beside this CPU's own SHA-256 speed (`openssl speed -evp sha256`).

use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use stripe_receiver::signature::{testing::sign, verify, Secret};

fn verification(c: &mut Criterion) {
    let secret = Secret::new("whsec_benchmarksecretbenchmarksecret12").unwrap();
    let now = 1_700_000_000;
    let mut group = c.benchmark_group("verify");
    for (label, size) in [
        ("1 KB", 1024),
        ("3 KB", 3 * 1024),
        ("100 KB", 100 * 1024),
        ("1 MB", 1024 * 1024),
    ] {
        let body: Vec<u8> = (0..size).map(|i| b'a' + (i % 26) as u8).collect();
        let header = sign(&body, &secret, now);
        group.throughput(Throughput::Bytes(size as u64));
        group.bench_with_input(BenchmarkId::from_parameter(label), &body, |b, body| {
            b.iter(|| {
                verify(
                    black_box(body),
                    Some(black_box(&header)),
                    &[&secret],
                    300,
                    now,
                )
                .unwrap()
            });
        });
    }
    group.finish();
}

criterion_group!(benches, verification);
criterion_main!(benches);
