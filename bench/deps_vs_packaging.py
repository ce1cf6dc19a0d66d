#!/usr/bin/env python3
"""Ferret's PyPI dependency findings beside pip's own version logic (`packaging`), same data.

Usage (a Python with `packaging` installed, e.g. `pip install packaging==24.2` in a venv):
  python bench/deps_vs_packaging.py INVENTORY.json FINDINGS.json OSV_DIR

INVENTORY.json is `ferret deps list TREE --format json`, FINDINGS.json `ferret scan TREE
--select deps --format json` against a database imported from OSV_DIR (bench/osv_corpus.py's
output). Expected: for each PyPI package of the inventory and each OSV record naming it (PEP 503
names), affected when its version is listed in `versions` or when OSV's event walk over an
ECOSYSTEM range, ordered by `packaging.version.Version`, leaves it affected; records that share
an id or alias count once (any of them). Compared per (package, version, record).
"""
import json
import os
import re
import sys

from packaging.version import InvalidVersion, Version


def pep503(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def affected(version, entry):
    try:
        v = Version(version)
    except InvalidVersion:
        return None
    if any(x == version for x in entry.get("versions", [])):
        return True
    for r in entry.get("ranges", []):
        if r.get("type") != "ECOSYSTEM":
            continue
        state = False
        events = []
        for e in r.get("events", []):
            kind, at = next(iter(e.items()))
            if kind == "limit":
                continue
            key = Version("0") if at == "0" else Version(at)
            events.append((key, {"introduced": 0, "fixed": 1, "last_affected": 2}[kind]))
        for at, kind in sorted(events):
            if kind == 0 and v >= at:
                state = True
            elif kind == 1 and v >= at:
                state = False
            elif kind == 2 and v > at:
                state = False
        if state:
            return True
    return False


def main():
    inventory = json.load(open(sys.argv[1]))
    report = json.load(open(sys.argv[2]))
    records = {}
    for name in os.listdir(sys.argv[3]):
        if not name.startswith("pypi-"):
            continue
        record = json.load(open(os.path.join(sys.argv[3], name)))
        if record.get("withdrawn"):
            continue
        for entry in record.get("affected", []):
            if entry["package"]["ecosystem"] == "PyPI":
                records.setdefault(pep503(entry["package"]["name"]), []).append((record, entry))
    expected, invalid = set(), 0
    for lockfile in inventory["lockfiles"]:
        for p in lockfile["packages"]:
            if p["ecosystem"] != "PyPI":
                continue
            for record, entry in records.get(pep503(p["name"]), []):
                hit = affected(p["version"], entry)
                if hit is None:
                    invalid += 1
                elif hit:
                    ids = frozenset([record["id"], *record.get("aliases", [])])
                    expected.add((lockfile["path"], p["name"], p["version"], ids))
    found = set()
    for f in report["findings"]:
        name, version = f["title"].split(":")[0].split(" ")[:2]
        aliases = re.findall(r"\(([^()]*)\)$", f["title"])
        ids = {f["rule_id"], *(aliases[0].split(", ") if aliases else [])}
        found.add((f["location"]["path"], name, version, frozenset(ids)))
    # A Ferret finding stands for every record whose ids it names.
    matched = {e for e in expected if any(e[:3] == g[:3] and e[3] & g[3] for g in found)}
    unexplained = {g for g in found if not any(e[:3] == g[:3] and e[3] & g[3] for e in expected)}
    print(f"PyPI packages checked; packaging says affected (record-level): {len(expected)}; ferret findings: {len(found)}")
    print(f"records matched by a ferret finding: {len(matched)}/{len(expected)}; ferret findings no record explains: {len(unexplained)}; versions packaging rejects: {invalid}")
    for e in sorted(expected - matched, key=str)[:15]:
        print(f"  missed: {e[0]} {e[1]} {e[2]} {sorted(e[3])[:3]}")
    for g in sorted(unexplained, key=str)[:15]:
        print(f"  unexplained: {g[0]} {g[1]} {g[2]} {sorted(g[3])[:3]}")
    return 0 if matched == expected and not unexplained else 1


if __name__ == "__main__":
    sys.exit(main())
