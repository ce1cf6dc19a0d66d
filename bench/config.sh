#!/usr/bin/env bash
# Configuration-check benchmark: ferret vs checkov on the same corpus of real files, in one run.
# The corpus is every GitHub Actions workflow, composite action, Dockerfile, docker-compose file,
# Terraform file and Kubernetes manifest found in the sources of ~190 popular crates (listed in
# bench/config-corpus/Cargo.toml and vendored, with their dependencies, into bench/work/), in
# cargo's registry and Python's site-packages on this machine, plus Ferret's own config
# fixtures — copied, with their relative paths, into a temporary directory.
# Usage: bash bench/config.sh   (installs checkov into ~/.cache/ferret-bench/checkov on first use)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build -q --release -p ferret-cli
bin="$(pwd)/${CARGO_TARGET_DIR:-target}/release/ferret"
venv="$HOME/.cache/ferret-bench/checkov"
if [ ! -x "$venv/bin/checkov" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q "checkov==3.3.30"
fi
vendor="$(pwd)/bench/work/config-corpus-vendor"
if [ ! -d "$vendor" ]; then
  (cd bench/config-corpus && CARGO_TARGET_DIR=/tmp/config-corpus-target cargo vendor -q "$vendor" >/dev/null)
  rm -f bench/config-corpus/Cargo.lock
fi
corpus="$(mktemp -d)"
trap 'rm -rf "$corpus" "$corpus.time"' EXIT
roots=("$vendor" "$HOME/.cargo/registry/src" "crates/ferret-engine/tests/fixtures")
while IFS= read -r dir; do roots+=("$dir"); done < <(python3 -c 'import site; print("\n".join(site.getsitepackages()))')
n=0
while IFS= read -r -d '' file; do
  case "$file" in
    */.github/workflows/*.yml|*/.github/workflows/*.yaml|*/action.yml|*/Dockerfile|*/Dockerfile.*|*.dockerfile|*/docker-compose*.yml|*/compose.yaml|*.tf) ;;
    *.yml|*.yaml) grep -qE '^kind: *(Pod|Deployment|StatefulSet|DaemonSet|Job|CronJob|ReplicaSet|Role|ClusterRole)' "$file" || continue ;;
    *) continue ;;
  esac
  n=$((n + 1))
  dest="$corpus/$(printf '%05d' "$n")/${file#/}"
  mkdir -p "$(dirname "$dest")"
  cp "$file" "$dest"
done < <(find "${roots[@]}" -type f \( -name '*.yml' -o -name '*.yaml' -o -name 'Dockerfile*' -o -name '*.dockerfile' -o -name '*.tf' \) -not -path '*/leaks/*' -print0 2>/dev/null)
echo "corpus: $n files, $(du -sk "$corpus" | cut -f1) KiB"
echo "  workflows/actions: $(find "$corpus" -path '*/.github/workflows/*' -o -name action.yml | wc -l), Dockerfiles: $(find "$corpus" -name 'Dockerfile*' -o -name '*.dockerfile' | wc -l), compose: $(find "$corpus" -name 'docker-compose*' -o -name 'compose.yaml' | wc -l), Terraform: $(find "$corpus" -name '*.tf' | wc -l), Kubernetes: $(grep -rlE '^kind: *(Pod|Deployment|StatefulSet|DaemonSet|Job|CronJob|ReplicaSet|Role|ClusterRole)' "$corpus" --include='*.y*ml' | grep -v '/.github/' | wc -l)"

measure() { # label, command...
  local label="$1"; shift
  local out
  /usr/bin/time -o "$corpus.time" -f '%e %M' "$@" >/dev/null 2>&1 || true
  out=$(tail -1 "$corpus.time")
  printf '%-8s %8.2f s  %6d MiB\n' "$label" "${out% *}" "$(( ${out#* } / 1024 ))"
}
"$bin" scan "$corpus" --format json -o "$corpus.ferret.json" >/dev/null 2>&1 || true
echo "ferret findings (config): $(python3 -c 'import json,sys; print(sum(1 for f in json.load(open(sys.argv[1]))["findings"] if f["category"] == "config"))' "$corpus.ferret.json")"
rm -f "$corpus.ferret.json"
echo "wall time and peak memory (warm cache):"
measure ferret "$bin" scan "$corpus" --format json
measure checkov "$venv/bin/checkov" -d "$corpus" --skip-download --quiet --compact -o json \
  --framework github_actions dockerfile kubernetes terraform
