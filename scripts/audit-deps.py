#!/usr/bin/env python3
"""Checks the workspace's dependencies against the RustSec advisory database, offline — what
`cargo audit` does, from the database's OSV export (a zip of RUSTSEC-*.json, as in
../shared/testdata/osv/): a crates.io package whose version falls in an advisory's affected
ranges is a vulnerability (exit 1); an informational advisory (unmaintained, unsound, notice) is
a warning; withdrawn advisories are skipped. Before auditing, it checks its range matching on known
answers from the database (a self-test), so "clean" cannot come from matching nothing.

The packages checked are those `cargo tree` builds for any target (normal, build and dev
dependencies), not every entry of Cargo.lock: the lock file also lists packages of optional
features no build enables (sqlx's MySQL driver and its `rsa`, say).

Usage: audit-deps.py OSV_ZIP [--ignore RUSTSEC-ID]...   (run in the workspace)
Exit: 0 clean (warnings allowed), 1 vulnerable, 2 bad input."""
import json
import re
import subprocess
import sys
import zipfile

SEMVER = re.compile(r"^(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$")


def version_key(text):
    """A sort key implementing semver precedence (a pre-release sorts before its release)."""
    m = SEMVER.match(text)
    if not m:
        raise ValueError(f"not a semver version: {text}")
    major, minor, patch, pre = m.groups()
    if pre is None:
        pre_key = (1,)
    else:
        parts = []
        for part in pre.split("."):
            parts.append((0, int(part), "") if part.isdigit() else (1, 0, part))
        pre_key = (0, tuple(parts))
    return (int(major), int(minor), int(patch), pre_key)


def affected(version, entry):
    """Whether `version` is in one of `entry`'s SEMVER ranges or listed versions."""
    if version in entry.get("versions", []):
        return True
    v = version_key(version)
    for r in entry.get("ranges", []):
        if r.get("type") != "SEMVER":
            continue
        inside = False
        for event in r.get("events", []):
            if "introduced" in event and v >= version_key(event["introduced"]):
                inside = True
            elif "fixed" in event and v >= version_key(event["fixed"]):
                inside = False
            elif "last_affected" in event and v > version_key(event["last_affected"]):
                inside = False
        if inside:
            return True
    return False


def fixed_versions(entry):
    return [e["fixed"] for r in entry.get("ranges", []) for e in r.get("events", []) if "fixed" in e]


def self_test(db):
    """Known answers, so that a clean audit means the matching works: `time` 0.1.43 and 0.2.7
    are in RUSTSEC-2020-0071's ranges, 0.2.0 and 0.2.23 are not; `rsa` 0.9.10 is in
    RUSTSEC-2023-0071's (no fixed version)."""
    time = json.loads(db.read("RUSTSEC-2020-0071.json"))["affected"][0]
    rsa = json.loads(db.read("RUSTSEC-2023-0071.json"))["affected"][0]
    cases = [(time, "0.1.43", True), (time, "0.2.7", True), (time, "0.2.0", False),
             (time, "0.2.23", False), (time, "0.3.36", False), (rsa, "0.9.10", True)]
    for entry, version, expected in cases:
        if affected(version, entry) != expected:
            print(f"audit-deps self-test: {entry['package']['name']} {version} should "
                  f"{'' if expected else 'not '}be affected", file=sys.stderr)
            return False
    if not version_key("1.0.0-alpha") < version_key("1.0.0-alpha.1") < version_key("1.0.0-beta") < version_key("1.0.0"):
        print("audit-deps self-test: pre-release ordering", file=sys.stderr)
        return False
    return True


def main():
    args = sys.argv[1:]
    ignore = {args[i + 1] for i, a in enumerate(args) if a == "--ignore" and i + 1 < len(args)}
    paths = [a for i, a in enumerate(args) if a != "--ignore" and (i == 0 or args[i - 1] != "--ignore")]
    if len(paths) != 1:
        print(__doc__.strip().splitlines()[-2], file=sys.stderr)
        return 2
    try:
        db = zipfile.ZipFile(paths[0])
    except (OSError, zipfile.BadZipFile) as e:
        print(f"audit-deps: {paths[0]}: {e}", file=sys.stderr)
        return 2
    if not self_test(db):
        return 2
    tree = subprocess.run(
        ["cargo", "tree", "--workspace", "--locked", "--target", "all", "-e", "normal,build,dev",
         "--prefix", "none", "--format", "{p}"],
        capture_output=True, text=True)
    if tree.returncode != 0:
        print(f"audit-deps: cargo tree failed: {tree.stderr.strip()}", file=sys.stderr)
        return 2
    locked = {}
    for line in tree.stdout.splitlines():
        parts = line.split()
        # "name vX.Y.Z" for registry packages; workspace and path packages carry "(/path)".
        if len(parts) < 2 or not parts[1].startswith("v") or (len(parts) > 2 and parts[2].startswith("(/")):
            continue
        versions = locked.setdefault(parts[0], [])
        if parts[1][1:] not in versions:
            versions.append(parts[1][1:])

    vulnerable, warnings = [], []
    for name in db.namelist():
        if not name.endswith(".json"):
            continue
        advisory = json.loads(db.read(name))
        if advisory.get("withdrawn") or advisory["id"] in ignore:
            continue
        for entry in advisory.get("affected", []):
            package = entry.get("package", {})
            if package.get("ecosystem") != "crates.io":
                continue
            for version in locked.get(package.get("name"), []):
                if not affected(version, entry):
                    continue
                kind = (entry.get("database_specific") or {}).get("informational")
                fixed = ", ".join(fixed_versions(entry)) or "none"
                line = f"{package['name']} {version}: {advisory['id']} {advisory.get('summary', '')} (fixed: {fixed})"
                (warnings if kind else vulnerable).append(f"{line} [{kind}]" if kind else line)

    print(f"audit-deps: {sum(len(v) for v in locked.values())} crates.io packages in the build, "
          f"{len(db.namelist())} advisories")
    for line in sorted(warnings):
        print(f"warning: {line}")
    for line in sorted(vulnerable):
        print(f"vulnerable: {line}")
    return 1 if vulnerable else 0


if __name__ == "__main__":
    sys.exit(main())
