#!/usr/bin/env bash
# Server benchmark: starts `ferret serve` (release build) and drives it from wrk on loopback.
#   1. uploads 10,000 findings in one request (all new), then the same 10,000 again (a rescan:
#      all still open) — wall time of each;
#   2. token-authenticated finding listing (50 per page) with wrk: requests/s, p50, p99;
#   3. fairness: a 50,000-finding upload from one workspace while another keeps writing
#      (bench/fairness.py): the other workspace's write latencies during the upload;
#   4. the dashboard's findings page (HTML, 50 of the 10,000 findings, session cookie) with
#      wrk: requests/s, p50, p99 — the server's time per page;
#   5. the server's peak resident memory.
# Usage: bash bench/server.sh [DATABASE_URL]   (default: SQLite in a temp dir; needs wrk, curl)
#        FERRET_BIN=path/to/ferret bash bench/server.sh   (measure another build, e.g. an older one)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${FERRET_BIN:-}" ]; then cargo build -q --release -p ferret-cli; fi
bin="${FERRET_BIN:-${CARGO_TARGET_DIR:-target}/release/ferret}"
work="$(mktemp -d)"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
base="http://127.0.0.1:$port"
db_args=()
[ $# -ge 1 ] && db_args=(--database-url "$1")
FERRET_SIGNUP=open FERRET_RATE_LIMIT_PER_IP_PER_MINUTE=0 FERRET_RATE_LIMIT_PER_TOKEN_PER_MINUTE=0 RUST_LOG=warn \
  "$bin" serve --data-dir "$work/data" --bind "127.0.0.1:$port" "${db_args[@]}" 2>"$work/server.log" &
server=$!
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 100); do curl -sf "$base/api/health" >/dev/null && break; sleep 0.1; done
python3 scripts/onboard.py "$base" > "$work/onboard.json"
ws="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["workspace"])' "$work/onboard.json")"
token="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["token"])' "$work/onboard.json")"

python3 - "$work/upload.json" <<'PY'
import json, sys, hashlib
rules = [("aws-access-key-id", "critical"), ("github-pat", "high"), ("generic-secret", "medium"), ("dockerfile-root-user", "low")]
findings = []
for i in range(10_000):
    rule, sev = rules[i % 4]
    findings.append({
        "rule_id": rule, "category": "secret", "severity": sev, "confidence": "high", "title": "",
        "location": {"path": f"src/module{i % 400}/file{i}.py", "start_line": i % 900 + 1, "start_column": 5, "end_line": i % 900 + 1, "end_column": 45},
        "snippet": f"API_KEY = \"AKIA*****\"  # entry {i}",
        "fingerprint": hashlib.sha256(str(i).encode()).hexdigest()[:32],
    })
json.dump({"repository": "app", "branch": "main", "commit": "0123456789abcdef0123456789abcdef01234567", "findings": findings}, open(sys.argv[1], "w"))
PY
size=$(stat -c %s "$work/upload.json")
for run in "new" "rescan"; do
  out=$(curl -s -o "$work/answer.json" -w '%{http_code} %{time_total}' -X POST "$base/api/scans" \
    -H "Authorization: Bearer $token" -H 'content-type: application/json' --data-binary "@$work/upload.json")
  echo "upload 10,000 findings ($run, $((size / 1024)) KiB): HTTP ${out% *}, ${out#* } s — $(cat "$work/answer.json")"
done

echo "listing: GET /api/workspaces/$ws/findings?per_page=50 (token auth), wrk -t2 -c32 -d20s"
wrk -t2 -c32 -d20s --latency -H "Authorization: Bearer $token" "$base/api/workspaces/$ws/findings?per_page=50" \
  | grep -E "Requests/sec|^\s+50%|^\s+99%|requests in|Non-2xx"
echo "listing filtered: ?severity=critical&state=open&path=src/module1"
wrk -t2 -c32 -d10s --latency -H "Authorization: Bearer $token" "$base/api/workspaces/$ws/findings?severity=critical&state=open&path=src/module1" \
  | grep -E "Requests/sec|^\s+50%|^\s+99%|Non-2xx"
session="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["session"])' "$work/onboard.json")"
echo "dashboard: GET /w/$ws/findings (HTML, 50 per page, session cookie), wrk -t1 -c1 -d10s (one at a time: the time per page)"
wrk -t1 -c1 -d10s --latency -H "Cookie: $session" "$base/w/$ws/findings" \
  | grep -E "Requests/sec|^\s+50%|^\s+99%|Non-2xx"
echo "dashboard filtered and sorted: ?severity=critical&sort=path&page=20"
wrk -t1 -c1 -d10s --latency -H "Cookie: $session" "$base/w/$ws/findings?severity=critical&sort=path&page=20" \
  | grep -E "Requests/sec|^\s+50%|^\s+99%|Non-2xx"
python3 scripts/onboard.py "$base" other@example.com > "$work/other.json"
other_token="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["token"])' "$work/other.json")"
echo "fairness: one workspace uploads 50,000 findings while another keeps uploading one"
python3 bench/fairness.py "$base" "$token" "$other_token"
echo "server peak RSS: $(grep VmHWM /proc/$server/status | awk '{print $2/1024 " MiB"}')"
