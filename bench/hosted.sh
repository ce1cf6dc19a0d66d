#!/usr/bin/env bash
# Hosted-scan benchmark: 200 queued scans (FERRET_BENCH_JOBS) of a small repository through the
# whole hosted path — signed webhook, job queue on PostgreSQL, installation token from the fake
# GitHub, sandboxed clone over smart HTTP and scan, ingest, check run — with 1, 2 and 4
# `ferret worker` processes. Prints jobs/min, queue-to-done latency, worker peak RSS and the
# mean time per job in each step. Release build. Needs PostgreSQL on 127.0.0.1:5432 (or
# FERRET_TEST_DATABASE_URL), psql, git and openssl.
# Usage: bash bench/hosted.sh
set -euo pipefail
cd "$(dirname "$0")/.."
FERRET_REQUIRE_POSTGRES=1 cargo test -q --release -p ferret-cli --test hosted -- \
  --ignored --exact hosted_scan_benchmark --nocapture 2>&1 | grep -v "^running\|^test \|^$"
