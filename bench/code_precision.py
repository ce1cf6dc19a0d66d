#!/usr/bin/env python3
"""Code analysis on real code nobody planted vulnerabilities in: findings per 100k lines.

    python3 bench/code_precision.py FERRET_BINARY DIR [DIR ...]

Each DIR is a tree of real code (site-packages of a virtualenv, an app's node_modules, Go
modules, Java projects). Ferret scans it with only the code rules (`--select code`); the
script prints, per directory, the lines of Python, JavaScript/TypeScript, Go and Java it holds,
the findings, findings per 100k lines and the count per rule, and writes every finding to
WORK_DIR/code-findings.tsv (rule, path, line, snippet) for a hand verdict. WORK_DIR is
$FERRET_BENCH_DIR/sast (default /var/tmp/ferret-bench/sast).
"""
import json
import os
import pathlib
import subprocess
import sys
import time
from collections import Counter

EXTENSIONS = {
    ".py": "Python", ".js": "JavaScript", ".mjs": "JavaScript", ".cjs": "JavaScript",
    ".jsx": "JavaScript", ".ts": "TypeScript", ".tsx": "TypeScript", ".go": "Go", ".java": "Java",
}


def lines_of(root):
    counts = Counter()
    for path in pathlib.Path(root).rglob("*"):
        language = EXTENSIONS.get(path.suffix)
        if language and path.is_file():
            try:
                counts[language] += path.read_bytes().count(b"\n")
            except OSError:
                pass
    return counts


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    binary, dirs = sys.argv[1], sys.argv[2:]
    work = pathlib.Path(os.environ.get("FERRET_BENCH_DIR", "/var/tmp/ferret-bench")) / "sast"
    work.mkdir(parents=True, exist_ok=True)
    rows = []
    with open(work / "code-findings.tsv", "w") as out:
        for root in dirs:
            counts = lines_of(root)
            total = sum(counts.values())
            started = time.monotonic()
            result = subprocess.run([binary, "scan", root, "--select", "code", "--no-config",
                                     "--format", "json"], capture_output=True, text=True)
            took = time.monotonic() - started
            if result.returncode not in (0, 1):
                sys.exit(f"ferret failed on {root}: {result.stderr.strip()}")
            findings = json.loads(result.stdout)["findings"]
            per_rule = Counter(f["rule_id"] for f in findings)
            for f in findings:
                snippet = f["snippet"].replace("\t", " ")
                out.write(f"{f['rule_id']}\t{root}/{f['location']['path']}\t"
                          f"{f['location']['start_line']}\t{snippet}\n")
            rate = len(findings) / total * 100_000 if total else 0
            rows.append((root, counts, total, len(findings), rate, took, per_rule))
    print("| tree | lines (by language) | findings | per 100k lines | time |")
    print("| --- | --- | --- | --- | --- |")
    for root, counts, total, found, rate, took, _ in rows:
        languages = ", ".join(f"{k} {v:,}" for k, v in counts.most_common())
        print(f"| {root} | {total:,} ({languages}) | {found} | {rate:.1f} | {took:.2f} s |")
    print()
    for root, *_, per_rule in rows:
        print(f"{root}: " + ", ".join(f"{rule} {n}" for rule, n in per_rule.most_common()))
    print(f"\nEvery finding: {work / 'code-findings.tsv'}")


if __name__ == "__main__":
    main()
