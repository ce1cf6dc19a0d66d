#!/usr/bin/env bash
# Property-based fuzzing of the server API against its own OpenAPI description (schemathesis):
# every generated request must get an answer below 500. Bounded (-n examples per operation) so
# it fits in CI. Usage: bash scripts/api-fuzz.sh [EXAMPLES] [DATABASE_URL]
# (needs `pip install schemathesis`). Without DATABASE_URL the server uses SQLite; with a
# postgres:// URL it runs against PostgreSQL, in a fresh schema dropped afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
examples="${1:-25}"
database_url="${2:-}"
cargo build -q -p ferret-cli
bin="${CARGO_TARGET_DIR:-target}/debug/ferret"
work="$(mktemp -d)"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
base="http://127.0.0.1:$port"
db_args=()
schema=""
if [ -n "$database_url" ]; then
  schema="ferret_fuzz_$(date +%s)_$$"
  psql -q "$database_url" -c "CREATE SCHEMA $schema"
  sep="?"; case "$database_url" in *\?*) sep="&";; esac
  db_args=(--database-url "${database_url}${sep}options=-c%20search_path%3D${schema}")
fi
FERRET_SIGNUP=open FERRET_RATE_LIMIT_PER_IP_PER_MINUTE=0 FERRET_RATE_LIMIT_PER_TOKEN_PER_MINUTE=0 \
  "$bin" serve --data-dir "$work/data" "${db_args[@]}" --bind "127.0.0.1:$port" 2>"$work/server.log" &
server=$!
cleanup() {
  kill $server 2>/dev/null || true
  if [ -n "$schema" ]; then
    PGOPTIONS=--client-min-messages=warning psql -q "$database_url" -c "DROP SCHEMA $schema CASCADE" || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
for _ in $(seq 100); do curl -sf "$base/api/health" >/dev/null && break; sleep 0.1; done

# An owner with a team workspace, a repository and an all-scopes token.
python3 scripts/onboard.py "$base" > "$work/onboard.json"
python3 - "$base" "$work" <<'PY'
import json, sys, urllib.request
base, work = sys.argv[1], sys.argv[2]
ws = json.load(open(f"{work}/onboard.json"))["workspace"]
spec = json.load(urllib.request.urlopen(base + "/api/openapi.json"))
# Pin {workspace} to the real one so requests reach the handlers, not only the 404 path.
for item in spec["paths"].values():
    for operation in item.values():
        for p in operation.get("parameters", []):
            if p["name"] == "workspace":
                p["schema"] = {"type": "string", "enum": [ws]}
json.dump(spec, open(f"{work}/spec.json", "w"))
PY
token="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["token"])' "$work/onboard.json")"
common=(--url "$base" --checks not_a_server_error -n "$examples" -H "Authorization: Bearer $token" --generation-deterministic)
status=0
schemathesis run "$work/spec.json" "${common[@]}" --exclude-method DELETE || status=$?
schemathesis run "$work/spec.json" "${common[@]}" --include-method DELETE || status=$?
if grep -q "ERROR" "$work/server.log"; then
  echo "server logged errors:"; grep "ERROR" "$work/server.log" | head -20; status=1
fi
exit $status
