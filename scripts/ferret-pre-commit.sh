#!/usr/bin/env bash
# pre-commit entry point that needs no installed ferret: builds it from this checkout of the
# Ferret repository (once; later runs reuse the build) and scans what is staged in the current
# repository. Arguments are passed to `ferret scan`.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
ferret="$here/target/release/ferret"
if [ ! -x "$ferret" ]; then
  echo "ferret: building the scanner once (a few minutes)..." >&2
  cargo build --quiet --release -p ferret-cli --manifest-path "$here/Cargo.toml" >&2
fi
exec "$ferret" scan --staged --no-progress "$@"
