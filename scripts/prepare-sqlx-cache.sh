#!/usr/bin/env bash
# Regenerates .sqlx/ (sqlx's cached query descriptions) for the compile-time checked queries in
# tests/postgres_query_macro.rs, without sqlx-cli: sqlx's macros write their description to
# $SQLX_OFFLINE_DIR when they run online. Needs a PostgreSQL server whose role may create databases.
# Usage: scripts/prepare-sqlx-cache.sh [postgres://postgres@127.0.0.1:5432/postgres]
set -euo pipefail
cd "$(dirname "$0")/.."
admin="${1:-${STRIPE_RECEIVER_TEST_POSTGRES:-postgres://postgres@127.0.0.1:5432/postgres}}"
db="sr_sqlx_prepare_$$"
psql "$admin" -q -c "CREATE DATABASE $db"
trap 'psql "$admin" -q -c "DROP DATABASE IF EXISTS $db WITH (FORCE)"' EXIT
url="${admin%/*}/$db"
psql "$url" -q -f tests/sql/test_orders.sql
rm -rf .sqlx && mkdir .sqlx
touch tests/postgres_query_macro.rs
SQLX_OFFLINE=false DATABASE_URL="$url" SQLX_OFFLINE_DIR="$PWD/.sqlx" \
    cargo build --tests --test postgres_query_macro
ls .sqlx
