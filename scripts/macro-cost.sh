#!/usr/bin/env bash
# Measures what #[stripe_receiver] costs: the build time of a crate of N receivers against the
# same N functions without the attribute, and the start-up time of the registry over them.
#
#   scripts/macro-cost.sh [N] [RUNS]        (defaults: 500 receivers, 3 runs)
#   WITH_PATTERN=0 scripts/macro-cost.sh    (exact names only; default: each receiver also has
#                                            the family pattern "customer.subscription.*")
#
# Generates two crates under $WORK (default /tmp/stripe-receiver-macro-cost) that depend on
# this checkout's stripe-receiver, builds the dependencies once (warm), then times
# `cargo build --lib` of each crate RUNS times (non-incremental, the crate alone recompiled each
# time), and runs a timing binary that builds the registry (Registry::from_inventory).
# Figures and the machine they were taken on are in docs/macro-cost.md.
set -euo pipefail

N="${1:-500}"
RUNS="${2:-3}"
WITH_PATTERN="${WITH_PATTERN:-1}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
WORK="${WORK:-/tmp/stripe-receiver-macro-cost}"
export CARGO_TARGET_DIR="$WORK/target"
export CARGO_INCREMENTAL=0

mkdir -p "$WORK/receivers/src/bin" "$WORK/plain/src"
mapfile -t TYPES < <(grep -v '^#' "$ROOT/crates/stripe-receiver-macros/data/stripe-event-types.txt")

cat > "$WORK/Cargo.toml" <<TOML
[workspace]
resolver = "2"
members = ["receivers", "plain"]

[workspace.dependencies]
stripe-receiver = { path = "$ROOT/crates/stripe-receiver" }
TOML
for crate in receivers plain; do
    cat > "$WORK/$crate/Cargo.toml" <<TOML
[package]
name = "cost-$crate"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
stripe-receiver = { workspace = true }
TOML
done

# The same N functions twice: with the attribute, and without it.
{
    echo "use stripe_receiver::prelude::*;"
    for ((i = 0; i < N; i++)); do
        t="${TYPES[$((i % ${#TYPES[@]}))]}"
        if [[ "$WITH_PATTERN" == 1 ]]; then
            echo "#[stripe_receiver(\"$t\", \"customer.subscription.*\")]"
        else
            echo "#[stripe_receiver(\"$t\")]"
        fi
        echo "pub async fn receiver_$i(event: &Event, tx: &mut Tx<'_>) -> Result<(), BoxError> {"
        echo "    let _ = (event.id.len(), tx);"
        echo "    Ok(())"
        echo "}"
    done
} > "$WORK/receivers/src/lib.rs"
sed -e '/^#\[stripe_receiver/d' "$WORK/receivers/src/lib.rs" \
    -e 's/^use stripe_receiver::prelude::\*;/use stripe_receiver::{BoxError, Event, Tx};/' \
    > "$WORK/plain/src/lib.rs"

cat > "$WORK/receivers/src/bin/registry-startup.rs" <<'RUST'
//! Times Registry::from_inventory over every receiver linked in.
use cost_receivers as _;
use std::time::Instant;
fn main() {
    let mut times = Vec::new();
    let mut count = 0;
    for _ in 0..200 {
        let start = Instant::now();
        let registry = stripe_receiver::registry::Registry::from_inventory().expect("registry");
        times.push(start.elapsed());
        count = registry.receivers().len();
    }
    let first = times[0];
    times.sort();
    println!(
        "Registry::from_inventory over {count} receivers: first call {first:?}, median {:?}, min {:?} (200 calls)",
        times[times.len() / 2], times[0]
    );
}
RUST

cd "$WORK"
echo "== warm dependency build"
cargo build -q --lib -p cost-plain
cargo build -q --lib -p cost-receivers
for crate in plain receivers; do
    for ((run = 1; run <= RUNS; run++)); do
        touch "$WORK/$crate/src/lib.rs"
        start=$(date +%s.%N)
        cargo build -q --lib -p "cost-$crate"
        end=$(date +%s.%N)
        printf '%s run %d: cargo build (debug) %.2f s\n' "$crate" "$run" "$(echo "$end - $start" | bc)"
    done
done
echo "== registry start-up"
cargo run -q --release --bin registry-startup -p cost-receivers
cargo run -q --bin registry-startup -p cost-receivers
