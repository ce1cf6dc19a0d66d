#!/usr/bin/env python3
"""Builds a folder of real OSV records for the dependency benchmarks, from public advisory
databases kept in git (fetched as snapshots; no internet needed at run time):

  golang/vulndb            data/osv/GO-*.json            (OSV JSON, as published)
  pypa/advisory-database   vulns/<package>/PYSEC-*.yaml  (OSV in YAML, converted to JSON)
  nodejs/security-wg       vuln/npm/<n>.json             (the Node.js ecosystem WG's npm advisories,
                                                          converted: `vulnerable_versions` ranges
                                                          become SEMVER events, id NSWG-ECO-<n>)

Usage: python3 bench/osv_corpus.py OUT GIT_DIR...  (each GIT_DIR a clone or bare repository of
one of the above; the kind is recognised by its files). Then `ferret db import OUT`.

npm range conversion: each `||` alternative is a set of comparators; `>=a <b` becomes
introduced a / fixed b, `<b` introduced 0 / fixed b, `<=b` introduced 0 / last_affected b,
`>=a` introduced a, an exact version is listed in `versions`. `>a` (exclusive lower bounds,
rare) is taken as introduced a, one version wider than the advisory.
"""
import json
import os
import re
import subprocess
import sys

import yaml


def git_files(repo, prefix):
    out = subprocess.run(["git", "-C", repo, "ls-tree", "-r", "--name-only", "HEAD", prefix],
                         capture_output=True, text=True, check=True)
    return out.stdout.split()


def git_show(repo, path):
    return subprocess.run(["git", "-C", repo, "show", f"HEAD:{path}"],
                          capture_output=True, check=True).stdout


def npm_events(expression):
    """(events, versions) for one npm range expression, or None when unparseable."""
    events, versions = [], []
    for alternative in expression.split("||"):
        comparators = alternative.replace(">= ", ">=").replace("<= ", "<=").replace("< ", "<").replace("> ", ">").split()
        low, high, last = None, None, None
        for c in comparators:
            m = re.fullmatch(r"(>=|<=|>|<|=)?v?([0-9][0-9A-Za-z.+-]*|\*)", c)
            if not m:
                return None
            op, version = m.group(1) or "=", m.group(2)
            if version == "*":
                low = "0"
            elif op in (">=", ">"):
                low = version
            elif op == "<":
                high = version
            elif op == "<=":
                last = version
            else:
                versions.append(version)
        if low is None and (high or last):
            low = "0"
        if low is not None:
            events.append({"introduced": low})
            if high:
                events.append({"fixed": high})
            elif last:
                events.append({"last_affected": last})
    return events, versions


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    counts = {}
    for repo in sys.argv[2:]:
        if git_files(repo, "data/osv"):
            for path in git_files(repo, "data/osv"):
                if path.endswith(".json"):
                    with open(os.path.join(out, "go-" + os.path.basename(path)), "wb") as f:
                        f.write(git_show(repo, path))
                    counts["Go"] = counts.get("Go", 0) + 1
        elif git_files(repo, "vulns"):
            for path in git_files(repo, "vulns"):
                if path.endswith(".yaml"):
                    record = yaml.safe_load(git_show(repo, path))
                    for key in ("modified", "published", "withdrawn"):
                        if hasattr(record.get(key), "isoformat"):
                            record[key] = record[key].strftime("%Y-%m-%dT%H:%M:%SZ")
                    with open(os.path.join(out, "pypi-" + os.path.basename(path)[:-5] + ".json"), "w") as f:
                        json.dump(record, f, default=str)
                    counts["PyPI"] = counts.get("PyPI", 0) + 1
        elif git_files(repo, "vuln/npm"):
            for path in git_files(repo, "vuln/npm"):
                name = os.path.basename(path)
                if not re.fullmatch(r"\d+\.json", name):
                    continue
                advisory = json.loads(git_show(repo, path))
                converted = npm_events(advisory.get("vulnerable_versions") or "")
                if not converted or not advisory.get("module_name"):
                    counts["npm skipped"] = counts.get("npm skipped", 0) + 1
                    continue
                events, versions = converted
                affected = {"package": {"ecosystem": "npm", "name": advisory["module_name"]}}
                if events:
                    affected["ranges"] = [{"type": "SEMVER", "events": events}]
                if versions:
                    affected["versions"] = versions
                record = {
                    "id": f"NSWG-ECO-{advisory['id']}",
                    "modified": str(advisory.get("updated_at") or advisory.get("created_at")) + "T00:00:00Z",
                    "aliases": advisory.get("cves") or [],
                    "summary": advisory.get("title", ""),
                    "affected": [affected],
                    "database_specific": {"vulnerable_versions": advisory.get("vulnerable_versions")},
                }
                if (advisory.get("cvss_vector") or "").startswith("CVSS:3"):
                    record["severity"] = [{"type": "CVSS_V3", "score": advisory["cvss_vector"]}]
                with open(os.path.join(out, f"nswg-{advisory['id']}.json"), "w") as f:
                    json.dump(record, f)
                counts["npm"] = counts.get("npm", 0) + 1
    print(json.dumps(counts))


if __name__ == "__main__":
    main()
