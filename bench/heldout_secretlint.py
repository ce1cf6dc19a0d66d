#!/usr/bin/env python3
"""Recall and false alarms on a labelled corpus Ferret's rules were never tuned on: secretlint's
per-rule test snapshots.

Each of secretlint's rule packages (`packages/@secretlint/secretlint-rule-NAME/test/snapshots/`)
keeps cases as directories: `ng.*` cases hold an input file and an `output.json` listing every
secret secretlint reports (with its line); `ok.*` cases hold an input that must draw no report.
This script copies every case of the secret rules (not the rules about file names, home
directories, `.env` files, Kubernetes `kind: Secret`, comments or user patterns, and not cases
that need a `.secretlintrc.json` option) into a temporary tree, runs one
`ferret scan --select secrets`, and counts

- a positive (one message of an `ng.*` case) as found when Ferret reports a secret in that file on
  a line the message spans;
- a negative (one `ok.*` case) as a false alarm when Ferret reports any secret in its file.

    python3 bench/heldout_secretlint.py FERRET_BINARY SECRETLINT_CHECKOUT

SECRETLINT_CHECKOUT is a checkout of github.com/secretlint/secretlint (for example the search
tool's `fetch`, then `git --git-dir=… archive HEAD packages/@secretlint | tar -x`). With
HELDOUT_MISSED=FILE, the missed positives and the reported negatives are written to FILE as JSON.
"""
import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile

# Rules that are about something other than a secret's value.
NOT_SECRET_RULES = {"no-homedir", "no-dotenv", "no-k8s-kind-secret", "filter-comments", "pattern",
                    "example"}
# Files a case was made from (the key a `.p12` was built with), not its input.
NOT_INPUT = {"output.json", ".secretlintrc.json", "options.ts", "README.md", "prvkey.pem", "pubkey.crt",
             "req.csr"}


def cases(checkout):
    """Yields (rule, case name, case directory, [expected lines] or None for an ok case)."""
    root = pathlib.Path(checkout) / "packages" / "@secretlint"
    for snapshots in sorted(root.glob("secretlint-rule-*/test/snapshots")):
        rule = snapshots.parent.parent.name.removeprefix("secretlint-rule-")
        if rule in NOT_SECRET_RULES or rule.startswith("preset-"):
            continue
        for case in sorted(p for p in snapshots.iterdir() if p.is_dir()):
            if (case / ".secretlintrc.json").exists() or not (case / "output.json").exists():
                continue
            # A few cases are named after what they test (`npmrc-_authToken`): labelled by
            # whether secretlint reports anything.
            messages = json.loads((case / "output.json").read_text()).get("messages", [])
            if case.name.startswith("ok.") or not messages:
                yield rule, case.name, case, None
            else:
                yield rule, case.name, case, [
                    (m["loc"]["start"]["line"], m["loc"]["end"]["line"], m.get("message", ""))
                    for m in messages]


def main():
    ferret, checkout = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory() as tmp:
        items = []
        for i, (rule, name, case, expected) in enumerate(cases(checkout)):
            dest = pathlib.Path(tmp) / f"{i:04}"
            dest.mkdir()
            for f in case.iterdir():
                if f.is_file() and f.name not in NOT_INPUT and not f.name.startswith("output."):
                    shutil.copy(f, dest / f.name)
            items.append((rule, name, f"{i:04}", expected))
        out = subprocess.run(
            [ferret, "scan", tmp, "--select", "secrets", "--format", "json", "--no-progress",
             "--exit-zero"], capture_output=True, text=True, check=True)
        found = {}
        for f in json.loads(out.stdout)["findings"]:
            path = f["location"]["path"]
            found.setdefault(path.split("/")[0], []).append(
                (f["location"]["start_line"], f["rule_id"]))
    by_rule = {}
    report = []
    for rule, name, folder, expected in items:
        stats = by_rule.setdefault(rule, [0, 0, 0, 0])  # positives found/total, negatives hit/total
        hits = found.get(folder, [])
        if expected is None:
            stats[3] += 1
            if hits:
                stats[2] += 1
                report.append({"rule": rule, "case": name, "kind": "negative reported",
                               "ferret": sorted({r for _, r in hits})})
            continue
        for start, end, message in expected:
            stats[1] += 1
            if any(start <= line <= end for line, _ in hits):
                stats[0] += 1
            else:
                report.append({"rule": rule, "case": name, "kind": "positive missed",
                               "line": start, "secretlint": message[:160]})
    total = [sum(s[i] for s in by_rule.values()) for i in range(4)]
    print("| secretlint rule | positives found | negatives reported |")
    print("| --- | --- | --- |")
    for rule, s in sorted(by_rule.items()) + [("all", total)]:
        print(f"| {rule} | {s[0]} / {s[1]} | {s[2]} / {s[3]} |")
    print(f"\nrecall {100 * total[0] / max(total[1], 1):.1f}%, false-alarm rate "
          f"{100 * total[2] / max(total[3], 1):.1f}%")
    if os.environ.get("HELDOUT_MISSED"):
        pathlib.Path(os.environ["HELDOUT_MISSED"]).write_text(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
