#!/usr/bin/env python3
"""Ferret's dependency findings beside `cargo audit`'s on real Cargo.lock files, same data.

Usage: python3 bench/deps_vs_cargo_audit.py FERRET ADVISORY_DB_GIT OSV_ZIP LOCK_TREE

LOCK_TREE holds one folder per lockfile (`<name>/Cargo.lock`), e.g. built by
`bash bench/deps_corpus.sh`: this repository's Cargo.lock at every commit that changed it and
the Cargo.lock files crates ship in the local cargo registry. ADVISORY_DB_GIT is a checkout of
rustsec/advisory-db at the commit the OSV_ZIP export was made from (cargo audit reads the TOML
advisories; Ferret imports the OSV export of the same commit).

cargo audit runs once per lockfile (offline: --no-fetch --stale); Ferret scans the whole tree
once (`--select deps`). Both are timed. Compared per lockfile: the set of
(advisory id, package, version) each reports, vulnerabilities and informational warnings
(unmaintained, unsound, notice) alike; yanked crates need the registry index and are left out.
"""
import json
import os
import subprocess
import sys
import tempfile
import time


def cargo_audit(db, lock):
    out = subprocess.run(
        ["cargo", "audit", "--db", db, "--no-fetch", "--stale", "--json", "-f", lock],
        capture_output=True, text=True)
    try:
        report = json.loads(out.stdout)
    except json.JSONDecodeError:
        return None, out.stderr.strip().splitlines()[-1:] or ["no output"]
    found = set()
    for v in report.get("vulnerabilities", {}).get("list", []):
        found.add((v["advisory"]["id"], v["package"]["name"], v["package"]["version"]))
    for kind, warnings in report.get("warnings", {}).items():
        if kind == "yanked":
            continue
        for w in warnings:
            if w.get("advisory"):
                found.add((w["advisory"]["id"], w["package"]["name"], w["package"]["version"]))
    return found, None


def main():
    ferret, advisory_db, osv_zip, tree = sys.argv[1:5]
    locks = sorted(d for d in os.listdir(tree) if os.path.isfile(os.path.join(tree, d, "Cargo.lock")))
    with tempfile.TemporaryDirectory() as db:
        subprocess.run([ferret, "db", "import", "--db", db, osv_zip], check=True, capture_output=True)
        started = time.time()
        out = subprocess.run(
            [ferret, "scan", tree, "--select", "deps", "--format", "json", "--no-progress",
             "--db", db, "--exit-zero"], capture_output=True, text=True)
        ferret_seconds = time.time() - started
        report = json.loads(out.stdout)
    ours = {name: set() for name in locks}
    for f in report["findings"]:
        path = f["location"]["path"]
        name = path.split("/")[0]
        if path != f"{name}/Cargo.lock" or name not in ours:
            continue
        # "smallvec 1.6.0: summary (aliases)" → package and version.
        package, version = f["title"].split(":")[0].split(" ")[:2]
        ours[name].add((f["rule_id"], package, version))
        # Ferret groups aliases; RustSec ids alias nothing else in the RustSec data.
    started = time.time()
    theirs, errors = {}, {}
    for name in locks:
        found, error = cargo_audit(advisory_db, os.path.join(tree, name, "Cargo.lock"))
        if error:
            errors[name] = error
        else:
            theirs[name] = found
    audit_seconds = time.time() - started
    same = [n for n in theirs if theirs[n] == ours[n]]
    differ = [n for n in theirs if theirs[n] != ours[n]]
    total_theirs = sum(len(theirs[n]) for n in theirs)
    total_ours = sum(len(ours[n]) for n in theirs)
    print(f"lockfiles: {len(locks)}; cargo audit read {len(theirs)}, failed on {len(errors)}")
    print(f"identical results: {len(same)}/{len(theirs)}; findings: cargo audit {total_theirs}, ferret {total_ours}")
    print(f"time: ferret (one scan of the tree) {ferret_seconds:.2f}s; cargo audit (one run per lockfile) {audit_seconds:.1f}s")
    for name in differ[:20]:
        print(f"  {name}: only cargo audit {sorted(theirs[name] - ours[name])}; only ferret {sorted(ours[name] - theirs[name])}")
    for name, error in list(errors.items())[:10]:
        print(f"  cargo audit failed on {name}: {error}")
    return 0 if not differ else 1


if __name__ == "__main__":
    sys.exit(main())
