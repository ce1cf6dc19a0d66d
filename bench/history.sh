#!/usr/bin/env bash
# History-scan benchmark: builds a git repository whose commits are successive releases of a
# large package from a public registry, then runs `ferret scan --history` and kingfisher
# (`--git-history full`) over it in the same run and prints commits, unique blob bytes, wall
# time, MB/s and peak memory. Everything lives in bench/work/. Needs python3, git, cargo (and npm
# for the TypeScript corpus).
#
#   bash bench/history.sh [django|typescript] [--prepare-only]
#
# django:     80 Django wheels from PyPI, 4.2 to 5.2 (96 MB of unique blobs; a quick run).
# typescript: 61 TypeScript packages from npm, 4.0 to 5.9 (multi-GB of unique blobs).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="$here/work"
corpus="${1:-django}"
mkdir -p "$work"
cd "$work"

if [ ! -x venv/bin/kingfisher ]; then
  python3 -m venv venv
  venv/bin/pip install -q kingfisher-bin
fi

# commit_release REPO N MESSAGE: replaces the work tree's files (already extracted into REPO by the
# caller) and commits them with a fixed date.
commit_release() {
  (cd "$1" && git add -A && GIT_AUTHOR_DATE="@$((1700000000 + $2 * 86400)) +0000" GIT_COMMITTER_DATE="@$((1700000000 + $2 * 86400)) +0000" \
    git -c user.name=bench -c user.email=bench@example.com commit -q -m "$3")
}
clear_tree() { find "$1" -mindepth 1 -maxdepth 1 ! -name .git -exec rm -rf {} +; }

case "$corpus" in
  django)
    repo="$work/django-history"
    if [ ! -f "$repo/.done" ]; then
      versions=$(venv/bin/pip index versions django 2>/dev/null | sed -n 's/^Available versions: //p' | tr -d ' ' | tr ',' '\n' \
        | grep -E '^(4\.2|5\.[012])(\.[0-9]+)?$' | sort -V)
      mkdir -p wheels
      for v in $versions; do
        ls wheels/[Dd]jango-"$v"-*.whl >/dev/null 2>&1 || venv/bin/pip download -q --no-deps --only-binary :all: -d wheels "django==$v" >/dev/null
      done
      rm -rf "$repo" && git init -q -b main "$repo"
      n=0
      for v in $versions; do
        n=$((n + 1))
        clear_tree "$repo"
        python3 -m zipfile -e wheels/[Dd]jango-"$v"-*.whl "$repo"
        commit_release "$repo" "$n" "Django $v"
      done
      (cd "$repo" && git repack -adq && git prune)
      touch "$repo/.done"
    fi
    ;;
  typescript)
    repo="$work/typescript-history"
    if [ ! -f "$repo/.done" ]; then
      versions=$(npm view typescript versions --json 2>/dev/null | python3 -c 'import json, sys; print("\n".join(v for v in json.load(sys.stdin) if "-" not in v and v.split(".")[0] in ("4", "5")))' | sort -V)
      mkdir -p tarballs
      for v in $versions; do
        [ -f tarballs/typescript-"$v".tgz ] || (cd tarballs && npm pack -q "typescript@$v" >/dev/null 2>&1)
      done
      rm -rf "$repo" && git init -q -b main "$repo"
      n=0
      for v in $versions; do
        n=$((n + 1))
        clear_tree "$repo"
        tar -xzf tarballs/typescript-"$v".tgz -C "$repo" --strip-components=1
        commit_release "$repo" "$n" "TypeScript $v"
      done
      (cd "$repo" && git repack -adq && git prune)
      touch "$repo/.done"
    fi
    ;;
  *) echo "usage: bash bench/history.sh [django|typescript]" >&2; exit 2 ;;
esac
[ "${2:-}" = "--prepare-only" ] && exit 0

(cd "$here/.." && cargo build -q --release -p ferret-cli)
ferret="$here/../target/release/ferret"
commits=$(git -C "$repo" rev-list --all | wc -l)
blob_bytes=$(git -C "$repo" cat-file --batch-all-objects --batch-check='%(objecttype) %(objectsize)' | awk '$1 == "blob" {s += $2} END {print s}')
echo "repository: $commits commits, $((blob_bytes / 1000000)) MB of unique blobs; $(nproc) cores" >&2
# Warm the page cache.
cat "$repo"/.git/objects/pack/* >/dev/null

measure() { python3 "$here/measure.py" -- "$@"; }
row() {
  python3 - "$1" "$2" "$blob_bytes" <<'PY'
import json, sys
name, data, size = sys.argv[1], json.loads(sys.argv[2]), int(sys.argv[3])
w = data["wall_s"]
print(f"| {name} | {w:.2f} | {size / 1e6 / w:.1f} | {data['peak_mib']:.0f} |")
PY
}
echo "| scanner | wall (s) | MB/s (unique blob bytes) | peak RSS (MiB) |"
echo "| --- | --- | --- | --- |"
row "ferret $("$ferret" --version | cut -d' ' -f2)" "$(measure "$ferret" scan --history "$repo" --format json --no-progress --max-file-size 100000000 -o /dev/null)"
row "kingfisher $(venv/bin/kingfisher --version | cut -d' ' -f2)" "$(measure venv/bin/kingfisher scan "$repo" --git-history full --no-validate -j "$(nproc)" --format json --no-update-check)"
