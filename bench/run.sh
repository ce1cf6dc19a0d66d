#!/usr/bin/env bash
# Tree-scan benchmark: Ferret against kingfisher and ripsecrets on the same real source tree, in
# the same run. Fetches Debian's Linux kernel source package (about 1.4 GB unpacked) and the other
# scanners from their registries (pip, crates.io) into bench/work/, then prints a table of wall
# time, MB/s, files/s and peak memory. Needs: apt-get (root), python3, cargo.
#
#   bash bench/run.sh            # full kernel tree
#   bash bench/run.sh drivers    # only a subdirectory of it (faster)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="$here/work"
mkdir -p "$work"
cd "$work"

if [ ! -d tree ]; then
  echo "fetching linux-source-6.1 from Debian..." >&2
  apt-get download linux-source-6.1 >/dev/null
  dpkg-deb -x linux-source-6.1_*.deb pkg
  mkdir -p tree
  tar -xf pkg/usr/src/linux-source-6.1.tar.xz -C tree
  # Debian's packaging appends `/*` ("ignore everything at the top level") to the kernel's
  # .gitignore, which would make every gitignore-aware scanner skip the whole tree.
  sed -i 's|^/\*$||' tree/linux-source-*/.gitignore
fi
target="$(ls -d tree/linux-source-*)/${1:-}"

if [ ! -x venv/bin/kingfisher ]; then
  python3 -m venv venv
  venv/bin/pip install -q kingfisher-bin
fi
if [ ! -x tools/bin/ripsecrets ]; then
  cargo install -q ripsecrets --locked --root "$work/tools"
fi
(cd "$here/.." && cargo build -q --release -p ferret-cli)
ferret="$here/../target/release/ferret"

bytes=$(find "$target" -type f -printf '%s\n' | awk '{s+=$1} END {print s}')
files=$(find "$target" -type f | wc -l)
echo "tree: $target: $files files, $((bytes / 1000000)) MB; $(nproc) cores" >&2
# Warm the page cache so every tool reads from memory.
find "$target" -type f -print0 | xargs -0 cat >/dev/null

measure() { python3 "$here/measure.py" -- "$@"; }
row() {
  local name="$1" json="$2"
  python3 - "$name" "$json" "$bytes" "$files" <<'PY'
import json, sys
name, data, size, files = sys.argv[1], json.loads(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
w = data["wall_s"]
print(f"| {name} | {w:.2f} | {size / 1e6 / w:.1f} | {files / w:.0f} | {data['peak_mib']:.0f} |")
PY
}

echo "| scanner | wall (s) | MB/s | files/s | peak RSS (MiB) |"
echo "| --- | --- | --- | --- | --- |"
row "ferret $("$ferret" --version | cut -d' ' -f2)" "$(measure "$ferret" scan "$target" --format json --no-progress --max-file-size 100000000 -o /dev/null)"
row "kingfisher $(venv/bin/kingfisher --version | cut -d' ' -f2)" "$(measure venv/bin/kingfisher scan "$target" --no-validate -j "$(nproc)" --format json --no-update-check)"
row "ripsecrets" "$(measure tools/bin/ripsecrets "$target")"
