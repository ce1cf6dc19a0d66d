#!/usr/bin/env bash
# Configuration checks beside zizmor, checkov and hadolint on real projects, per shared check.
#
#   bash bench/peers.sh GIT_DIR [GIT_DIR ...]
#
# Each GIT_DIR is a repository (bare or not), for example one brought here with the search
# tool's `fetch` (/work/.mirror/OWNER+NAME/repo). From each one's HEAD the workflows, composite
# actions, Dependabot configuration, Dockerfiles, Terraform files and Kubernetes manifests are copied, at their own paths,
# into /var/tmp/ferret-bench/peers/files/NAME (outside the checkout: the tools honour an
# enclosing .gitignore). Then bench/peers.py runs the release build of Ferret and the peers
# (from PyPI) over them and prints the tables; see its docstring for how findings are matched.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="${FERRET_BENCH_DIR:-/var/tmp/ferret-bench}/peers"
[ $# -gt 0 ] || { echo "usage: bash bench/peers.sh GIT_DIR [GIT_DIR ...]" >&2; exit 2; }
rm -rf "$work/files" "$work/checkout"
mkdir -p "$work/files"
for git_dir in "$@"; do
  name="$(basename "$(dirname "$git_dir")")"
  name="${name#*+}"
  mkdir -p "$work/checkout/$name"
  # Large binary blobs may be absent from a snapshot; the text files are what matters.
  git --git-dir="$git_dir" archive HEAD | tar -x -C "$work/checkout/$name" 2>/dev/null || true
  echo "$name $(git --git-dir="$git_dir" rev-parse --short HEAD)"
done
cd "$work/checkout"
find . -type f \( -path '*/.github/workflows/*' -o -name action.yml -o -name 'dependabot.y*ml' -o -name 'Dockerfile*' \
  -o -name '*.dockerfile' -o -name '*.tf' -o -name '*.yaml' -o -name '*.yml' \) -print0 |
  while IFS= read -r -d '' file; do
    case "$file" in
      */.github/workflows/*.yml|*/.github/workflows/*.yaml|*/action.yml|*/.github/dependabot.y*ml|*/Dockerfile|*/Dockerfile.*|*.dockerfile|*.tf) ;;
      *.yml|*.yaml)
        grep -qE '^kind: *(Pod|Deployment|StatefulSet|DaemonSet|Job|CronJob|ReplicaSet|ReplicationController|Role|ClusterRole|NetworkPolicy)\b' "$file" || continue ;;
      *) continue ;;
    esac
    mkdir -p "$work/files/$(dirname "$file")"
    cp "$file" "$work/files/$file"
  done
(cd "$here/.." && cargo build -q --release -p ferret-cli)
target="${CARGO_TARGET_DIR:-$here/../target}"
python3 "$here/peers.py" "$target/release/ferret" "$work/files" "$work"
