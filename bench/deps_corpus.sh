#!/usr/bin/env bash
# Builds the Cargo.lock corpus for bench/deps_vs_cargo_audit.py and the inventory benchmark:
# this repository's Cargo.lock at every commit that changed it, and every Cargo.lock that
# crates ship in the local cargo registry (~/.cargo/registry/src). One folder per lockfile.
# Usage: bash bench/deps_corpus.sh [OUT]   (default /var/tmp/ferret-bench/locks)
set -euo pipefail
out="${1:-/var/tmp/ferret-bench/locks}"
repo="$(cd "$(dirname "$0")/.." && pwd)"
rm -rf "$out" && mkdir -p "$out"
for commit in $(git -C "$repo" log --format=%h -- Cargo.lock); do
  if git -C "$repo" show "$commit:Cargo.lock" > /dev/null 2>&1; then
    mkdir -p "$out/ferret-$commit"
    git -C "$repo" show "$commit:Cargo.lock" > "$out/ferret-$commit/Cargo.lock"
  fi
done
find "${CARGO_HOME:-$HOME/.cargo}/registry/src" -mindepth 3 -maxdepth 3 -name Cargo.lock | while read -r lock; do
  name="$(basename "$(dirname "$lock")")"
  mkdir -p "$out/$name" && cp "$lock" "$out/$name/Cargo.lock"
done
echo "$(ls "$out" | wc -l) lockfiles in $out"
