#!/usr/bin/env python3
"""Code analysis on the OWASP Benchmark: labelled test cases nobody here wrote, beside semgrep.

    python3 bench/owasp_benchmark.py FERRET_BINARY BENCHMARK_DIR [SEMGREP_RULES_DIR]

BENCHMARK_DIR is a checkout of OWASP-Benchmark/BenchmarkPython (`testcode/*.py`) or
OWASP-Benchmark/BenchmarkJava (`src/main/java/.../testcode/*.java`): thousands of small web
handlers, each a real vulnerability or a near miss of one class (SQL injection, command injection,
path traversal, weak hashing, weak randomness, …), labelled in `expectedresults-*.csv` with the
class's CWE. Ferret scans the test code with its code rules (`--select code --no-config`); when
SEMGREP_RULES_DIR is given (the `python/` or `java/` rules of semgrep/semgrep-rules), semgrep
scans the same files with them, in the same run (semgrep comes from
$FERRET_BENCH_DIR/semgrep/venv, as in bench/code_recall.py).

Scoring is the Benchmark's own: a test case counts as flagged when a tool reports, in its file,
a finding whose CWE is the test's (or a CWE of the same weakness: CWE-338 for CWE-330, CWE-327
and CWE-916 for CWE-328, …). Per class: true positive rate, false positive rate and their
difference (the Benchmark's score; 0 is what guessing gets).

With OWASP_MISSED=FILE, Ferret's missed real cases and false alarms per class are written to FILE
(JSON), for reading them by hand.
"""
import csv
import json
import os
import pathlib
import re
import subprocess
import sys
import time
from collections import defaultdict

import yaml

HERE = pathlib.Path(__file__).resolve().parent

# CWEs that name the same weakness as the Benchmark's label for a class.
SAME_WEAKNESS = {
    22: {22, 23, 36, 73},
    78: {78, 77},
    79: {79, 80},
    89: {89},
    90: {90},
    94: {94, 95},
    327: {327, 326, 696},
    328: {328, 327, 916, 759},
    330: {330, 338},
    501: {501},
    502: {502},
    601: {601},
    611: {611, 776},
    614: {614, 1004},
    643: {643},
}


def cwe_numbers(values):
    numbers = set()
    for value in values if isinstance(values, list) else [values]:
        numbers.update(int(n) for n in re.findall(r"CWE-(\d+)", str(value)))
    return numbers


def ferret_rule_cwes():
    cwes = {}
    for path in (HERE.parent / "rules" / "code").rglob("*.yml"):
        for doc in yaml.safe_load_all(path.read_text()):
            if doc and "id" in doc and "cwe" in doc:
                cwes[doc["id"]] = cwe_numbers(doc["cwe"])
    return cwes


def expected(bench):
    results = next(bench.glob("expectedresults-*.csv"))
    cases = {}
    with results.open() as f:
        for row in csv.reader(f):
            if not row or row[0].startswith("#"):
                continue
            name, category, real, cwe = (c.strip() for c in row[:4])
            cases[name] = (category, real == "true", int(cwe))
    return cases


def test_dir(bench):
    for candidate in (bench / "testcode", bench / "src/main/java/org/owasp/benchmark/testcode"):
        if candidate.is_dir():
            return candidate
    sys.exit(f"{bench}: no testcode directory")


def timed(command):
    started = time.monotonic()
    result = subprocess.run(command, capture_output=True, text=True)
    return result.stdout, time.monotonic() - started


def ferret_flags(binary, bench, tests):
    # The whole checkout, as a user scans a project: the Java cases read some algorithms from
    # src/main/resources/benchmark.properties. Only the test cases' findings count.
    cwes = ferret_rule_cwes()
    out, seconds = timed([binary, "scan", str(bench), "--select", "code", "--no-config",
                          "--format", "json", "--no-progress", "--exit-zero"])
    inside = tests.relative_to(bench).as_posix() + "/"
    flags = defaultdict(set)
    for f in json.loads(out)["findings"]:
        if f["location"]["path"].startswith(inside):
            flags[pathlib.Path(f["location"]["path"]).stem] |= cwes.get(f["rule_id"], set())
    return flags, seconds


def semgrep_flags(rules, tests):
    venv = pathlib.Path(os.environ.get("FERRET_BENCH_DIR", "/var/tmp/ferret-bench")) / "semgrep/venv"
    out, seconds = timed([str(venv / "bin/semgrep"), "--config", str(rules), "--json",
                          "--metrics", "off", "--disable-version-check", "--quiet", str(tests)])
    flags = defaultdict(set)
    for r in json.loads(out)["results"]:
        flags[pathlib.Path(r["path"]).stem] |= cwe_numbers(r["extra"].get("metadata", {}).get("cwe", []))
    return flags, seconds


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    binary, bench = sys.argv[1], pathlib.Path(sys.argv[2])
    cases = expected(bench)
    tests = test_dir(bench)
    tools = {}
    tools["Ferret"] = ferret_flags(binary, bench, tests)
    if len(sys.argv) > 3:
        tools["semgrep"] = semgrep_flags(sys.argv[3], tests)
    missed = os.environ.get("OWASP_MISSED")
    if missed:
        # Ferret's misses and false alarms per class, for reading cases by hand.
        flags = tools["Ferret"][0]
        rows = {}
        for name, (category, real, cwe) in sorted(cases.items()):
            flagged = bool(flags.get(name, set()) & SAME_WEAKNESS.get(cwe, {cwe}))
            if real != flagged:
                rows.setdefault(category, {}).setdefault("missed" if real else "false", []).append(name)
        pathlib.Path(missed).write_text(json.dumps(rows, indent=1))
    # per class, per tool: [TP, FN, FP, TN]
    table = defaultdict(lambda: defaultdict(lambda: [0, 0, 0, 0]))
    for name, (category, real, cwe) in cases.items():
        for tool, (flags, _) in tools.items():
            flagged = bool(flags.get(name, set()) & SAME_WEAKNESS.get(cwe, {cwe}))
            counts = table[category][tool]
            counts[(0 if flagged else 1) if real else (2 if flagged else 3)] += 1
    header = "| class (CWE) | cases (real / not) |"
    rule = "| --- | --- |"
    for tool in tools:
        header += f" {tool} TPR / FPR / score |"
        rule += " --- |"
    print(header)
    print(rule)
    totals = defaultdict(lambda: [0, 0, 0, 0])
    scores = defaultdict(list)

    def cell(c):
        tpr = c[0] / max(1, c[0] + c[1])
        fpr = c[2] / max(1, c[2] + c[3])
        return tpr, fpr, f" {tpr:.0%} / {fpr:.0%} / **{(tpr - fpr) * 100:+.0f}** |"

    for category in sorted(table):
        cwe = next(c for (cat, _, c) in cases.values() if cat == category)
        first = next(iter(table[category].values()))
        line = f"| {category} ({cwe}) | {first[0] + first[1]} / {first[2] + first[3]} |"
        for tool in tools:
            counts = table[category][tool]
            tpr, fpr, text = cell(counts)
            scores[tool].append(tpr - fpr)
            totals[tool] = [a + b for a, b in zip(totals[tool], counts)]
            line += text
        print(line)
    line = f"| **all** | {sum(totals['Ferret'][:2])} / {sum(totals['Ferret'][2:])} |"
    for tool in tools:
        _, _, text = cell(totals[tool])
        line += text
    print(line)
    line = "| mean of the class scores | |"
    for tool in tools:
        line += f" **{sum(scores[tool]) / len(scores[tool]) * 100:+.0f}** |"
    print(line)
    print()
    for tool, (_, seconds) in tools.items():
        print(f"{tool}: {seconds:.1f} s")


if __name__ == "__main__":
    main()
