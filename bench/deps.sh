#!/usr/bin/env bash
# Dependency analysis speed and memory: inventory + matching on a tree of many lockfiles and on
# one monorepo-size package-lock.json, beside cargo audit on the same Cargo.lock files.
#
# Usage: bash bench/deps.sh FERRET LOCK_TREE BIG_LOCK_DIR OSV_DIR RUSTSEC_ZIP ADVISORY_DB_GIT
#   LOCK_TREE        one folder per Cargo.lock (bash bench/deps_corpus.sh)
#   BIG_LOCK_DIR     a folder holding a large package-lock.json (the README says how it was made)
#   OSV_DIR          OSV records with npm advisories (python3 bench/osv_corpus.py)
#   RUSTSEC_ZIP      ../shared/testdata/osv/crates.io-all.zip
#   ADVISORY_DB_GIT  rustsec/advisory-db at the commit RUSTSEC_ZIP was exported from
# Each Ferret figure is the best of 5 runs (wall seconds, peak RSS in MiB, /usr/bin/time).
set -euo pipefail
ferret="$1" tree="$2" big="$3" osv="$4" zip="$5" advisories="$6"
db="$(mktemp -d)"
trap 'rm -rf "$db"' EXIT
"$ferret" db import --db "$db" "$zip" > /dev/null
"$ferret" db import --db "$db" "$osv" > /dev/null

best() { # best wall time and its RSS over 5 runs of "$@"
  local best_wall=999999 best_rss=0
  for _ in 1 2 3 4 5; do
    /usr/bin/time -f "%e %M" -o /tmp/deps-bench-time "$@" > /dev/null 2>&1 || true
    read -r wall rss < /tmp/deps-bench-time
    if awk "BEGIN{exit !($wall < $best_wall)}"; then best_wall=$wall best_rss=$rss; fi
  done
  echo "$best_wall s, $((best_rss / 1024)) MiB"
}

locks=$(ls "$tree" | wc -l)
packages=$(python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(len(d.get('packages',{}))-1)" "$big/package-lock.json")
echo "tree of $locks Cargo.lock files:"
echo "  ferret scan --select deps:  $(best "$ferret" scan "$tree" --select deps --format json --db "$db" --exit-zero --no-progress)"
start=$(date +%s.%N)
for d in "$tree"/*/; do
  cargo audit --db "$advisories" --no-fetch --stale --json -f "$d/Cargo.lock" > /dev/null 2>&1 || true
done
end=$(date +%s.%N)
echo "  cargo audit, once per lockfile: $(awk "BEGIN{printf \"%.1f\", $end - $start}") s"
echo "package-lock.json with $packages packages:"
echo "  ferret deps list (inventory):        $(best "$ferret" deps list "$big")"
echo "  ferret scan --select deps (matching): $(best "$ferret" scan "$big" --select deps --format json --db "$db" --exit-zero --no-progress)"
echo "  ferret scan (every analyzer):         $(best "$ferret" scan "$big" --format json --db "$db" --exit-zero --no-progress)"
