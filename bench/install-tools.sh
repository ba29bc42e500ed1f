#!/usr/bin/env bash
# Installs what the load benchmark needs and the machine lacks, from Debian's packages: wrk (the
# load generator) and pgbench (the PostgreSQL ceiling; in postgresql-contrib on older releases,
# in the server package on newer). Needs root (or sudo) when something is missing; prints what
# it would install otherwise.
set -euo pipefail
missing=()
command -v wrk >/dev/null || missing+=(wrk)
command -v pgbench >/dev/null || missing+=(postgresql-contrib)
command -v perf >/dev/null || [ -z "${WITH_PERF:-}" ] || missing+=(linux-perf)
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing ${missing[*]} (Debian packages) for the benchmarks" >&2
sudo=
[ "$(id -u)" = 0 ] || sudo=sudo
$sudo apt-get update -qq >/dev/null
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
