#!/usr/bin/env bash
# History-scan benchmark: builds a git repository whose commits are successive releases of a
# large package from a public registry, then runs `ferret scan --history` and kingfisher
# (`--git-history full`) over it in the same run and prints commits, unique blob bytes, wall
# time, MB/s and peak memory. Everything lives in bench/work/. Needs python3, git, cargo (and npm
# for the TypeScript corpus).
#
#   bash bench/history.sh [django|typescript|replay|/ABSOLUTE/PATH/TO/REPO] [--prepare-only]
#
# django:     80 Django wheels from PyPI, 4.2 to 5.2 (96 MB of unique blobs; a quick run).
# typescript: 61 TypeScript packages from npm, 4.0 to 5.9 (multi-GB of unique blobs).
# replay:     the 131 Django wheels 3.2 to 5.2 replayed hunk by hunk (bench/replay.py): 46,000
#             small commits over a tree of 2,800 files, the commit-heavy shape.
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

# build_history REPO NAME EXTRACT VERSION...: a fresh repository with one commit per version, in
# order, each with a fixed date; `EXTRACT VERSION REPO` unpacks a release into the work tree.
build_history() {
  local repo="$1" name="$2" extract="$3" n=0 date
  shift 3
  rm -rf "$repo" && git init -q -b main "$repo"
  for v in "$@"; do
    n=$((n + 1))
    find "$repo" -mindepth 1 -maxdepth 1 ! -name .git -exec rm -rf {} +
    "$extract" "$v" "$repo"
    date="@$((1700000000 + n * 86400)) +0000"
    (cd "$repo" && git add -A && GIT_AUTHOR_DATE="$date" GIT_COMMITTER_DATE="$date" \
      git -c user.name=bench -c user.email=bench@example.com commit -q -m "$name $v")
  done
  (cd "$repo" && git repack -adq && git prune)
  touch "$repo/.done"
}
extract_django() { python3 -m zipfile -e wheels/[Dd]jango-"$1"-*.whl "$2"; }
extract_typescript() { tar -xzf tarballs/typescript-"$1".tgz -C "$2" --strip-components=1; }

# django_wheels REGEX: downloads the Django wheels whose versions match REGEX; prints the versions.
django_wheels() {
  local versions
  versions=$(venv/bin/pip index versions django 2>/dev/null | sed -n 's/^Available versions: //p' | tr -d ' ' | tr ',' '\n' \
    | grep -E "$1" | sort -V)
  mkdir -p wheels
  for v in $versions; do
    ls wheels/[Dd]jango-"$v"-*.whl >/dev/null 2>&1 || venv/bin/pip download -q --no-deps --only-binary :all: -d wheels "django==$v" >/dev/null
  done
  echo $versions
}

case "$corpus" in
  /*) repo="$corpus" ;;  # any repository already on disk, e.g. a clone of a real project
  django)
    repo="$work/django-history"
    if [ ! -f "$repo/.done" ]; then
      versions=$(django_wheels '^(4\.2|5\.[012])(\.[0-9]+)?$')
      build_history "$repo" Django extract_django $versions
    fi
    ;;
  replay)
    repo="$work/replay-history"
    if [ ! -f "$repo/.done" ]; then
      versions=$(django_wheels '^(3\.2|4\.[012]|5\.[012])(\.[0-9]+)?$')
      rm -rf "$repo"
      python3 "$here/replay.py" "$repo" $(for v in $versions; do ls wheels/[Dd]jango-"$v"-*.whl; done)
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
      build_history "$repo" TypeScript extract_typescript $versions
    fi
    ;;
  *) echo "usage: bash bench/history.sh [django|typescript|replay]" >&2; exit 2 ;;
esac
[ "${2:-}" = "--prepare-only" ] && exit 0

(cd "$here/.." && cargo build -q --release -p ferret-cli)
ferret="$here/../target/release/ferret"
commits=$(git -C "$repo" rev-list --all | wc -l)
blob_bytes=$(git -C "$repo" cat-file --batch-all-objects --batch-check='%(objecttype) %(objectsize)' | awk '$1 == "blob" {s += $2} END {print s}')
echo "repository: $commits commits, $((blob_bytes / 1000000)) MB of unique blobs; $(nproc) cores" >&2
# Warm the page cache.
cat "$repo"/.git/objects/pack/* "$repo"/objects/pack/* >/dev/null 2>&1 || true

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
version="$("$ferret" --version | cut -d' ' -f2)"
row "ferret $version (all analyzers)" "$(measure "$ferret" scan --history "$repo" --format json --no-progress --max-file-size 100000000 -o /dev/null)"
row "ferret $version (--select secrets)" "$(measure "$ferret" scan --history "$repo" --select secrets --format json --no-progress --max-file-size 100000000 -o /dev/null)"
row "kingfisher $(venv/bin/kingfisher --version | cut -d' ' -f2)" "$(measure venv/bin/kingfisher scan "$repo" --git-history full --no-validate -j "$(nproc)" --format json --no-update-check)"
