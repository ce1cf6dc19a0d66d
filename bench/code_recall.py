#!/usr/bin/env python3
"""Code analysis beside semgrep: recall on the labelled corpus and speed on real code.

    python3 bench/code_recall.py FERRET_BINARY [TREE ...]

1. Recall: bench/code-corpus is copied to WORK_DIR/corpus (the repository's .ferretignore
   leaves it out of `ferret scan .`) and scanned by Ferret (`--select code`) and by semgrep with
   bench/semgrep-rules.yml, a rule set of the same classes written for this benchmark. A line
   ending in `VULN <class>` is found when the tool reports a finding starting on it; a line
   ending in `SAFE <class>` is a false positive when it does. Printed per class.
2. Speed (when TREEs are given, e.g. site-packages, node_modules, Go and Java projects): each
   tool scans each tree CODE_BENCH_RUNS times (default 3), the two tools taking turns so that both
   meet the same load on the machine, timed with /usr/bin/time (wall, CPU, peak memory). The
   table gives the median wall and CPU time, the highest peak, the ratio of the medians and the
   lowest ratio of one run's pair: wall times of one run move by up to 40% on a shared VM.

semgrep comes from PyPI into WORK_DIR/venv. WORK_DIR is $FERRET_BENCH_DIR/semgrep (default
/var/tmp/ferret-bench/semgrep).
"""
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
from collections import defaultdict

HERE = pathlib.Path(__file__).resolve().parent
MARK = re.compile(r"(VULN|SAFE) ([\w-]+)")


def timed(command):
    """Runs `command` under /usr/bin/time: (stdout, wall s, cpu s, peak MiB)."""
    result = subprocess.run(["/usr/bin/time", "-f", "%e %U %S %M", *command],
                            capture_output=True, text=True)
    wall, user, system, peak_kb = result.stderr.strip().splitlines()[-1].split()
    return result.stdout, float(wall), float(user) + float(system), int(peak_kb) / 1024


def ferret_lines(binary, root):
    out, *_ = timed([binary, "scan", str(root), "--select", "code", "--no-config", "--format", "json"])
    return {(f["location"]["path"], f["location"]["start_line"]) for f in json.loads(out)["findings"]}


def semgrep_command(venv, root):
    return [str(venv / "bin/semgrep"), "--config", str(HERE / "semgrep-rules.yml"), "--json",
            "--metrics", "off", "--disable-version-check", "--quiet", str(root)]


def semgrep_lines(venv, root):
    out, *_ = timed(semgrep_command(venv, root))
    return {(str(pathlib.Path(r["path"]).relative_to(root)), r["start"]["line"])
            for r in json.loads(out)["results"]}


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    binary, trees = sys.argv[1], sys.argv[2:]
    work = pathlib.Path(os.environ.get("FERRET_BENCH_DIR", "/var/tmp/ferret-bench")) / "semgrep"
    work.mkdir(parents=True, exist_ok=True)
    venv = work / "venv"
    if not (venv / "bin/semgrep").exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin/pip"), "install", "-q", "semgrep"], check=True)
    corpus = work / "corpus"
    shutil.rmtree(corpus, ignore_errors=True)
    shutil.copytree(HERE / "code-corpus", corpus)
    labels = []
    for path in sorted(corpus.rglob("*")):
        if path.suffix in (".py", ".js", ".go", ".java"):
            for number, line in enumerate(path.read_text().splitlines(), 1):
                if m := MARK.search(line):
                    labels.append((str(path.relative_to(corpus)), number, m.group(1), m.group(2)))
    results = {"Ferret": ferret_lines(binary, corpus), "semgrep": semgrep_lines(venv, corpus)}
    per_class = defaultdict(lambda: defaultdict(lambda: [0, 0, 0, 0]))
    for path, number, kind, cls in labels:
        for tool, found in results.items():
            counts = per_class[cls][tool]
            if kind == "VULN":
                counts[0] += 1
                counts[1] += (path, number) in found
            else:
                counts[2] += 1
                counts[3] += (path, number) in found
    print("| class | vulnerable lines | Ferret found | semgrep found | safe lines | Ferret FP | semgrep FP |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    totals = defaultdict(lambda: [0, 0, 0, 0])
    for cls in sorted(per_class):
        f, s = per_class[cls]["Ferret"], per_class[cls]["semgrep"]
        print(f"| {cls} | {f[0]} | {f[1]} | {s[1]} | {f[2]} | {f[3]} | {s[3]} |")
        for tool in ("Ferret", "semgrep"):
            totals[tool] = [a + b for a, b in zip(totals[tool], per_class[cls][tool])]
    f, s = totals["Ferret"], totals["semgrep"]
    print(f"| **all** | {f[0]} | {f[1]} ({f[1] / f[0]:.0%}) | {s[1]} ({s[1] / s[0]:.0%}) | "
          f"{f[2]} | {f[3]} | {s[3]} |")
    if trees:
        runs = int(os.environ.get("CODE_BENCH_RUNS", "3"))
        print(f"\n| tree | Ferret wall / CPU / peak | semgrep wall / CPU / peak | wall ratio "
              f"(medians) | lowest ratio of {runs} runs |")
        print("| --- | --- | --- | --- | --- |")
        for tree in trees:
            ferret_runs, semgrep_runs = [], []
            for _ in range(runs):
                ferret_runs.append(timed([binary, "scan", tree, "--select", "code",
                                          "--no-config", "--format", "json"])[1:])
                semgrep_runs.append(timed(semgrep_command(venv, pathlib.Path(tree)))[1:])
            fw, fc, fm = summary(ferret_runs)
            sw, sc, sm = summary(semgrep_runs)
            lowest = min(s[0] / f[0] for f, s in zip(ferret_runs, semgrep_runs))
            print(f"| {tree} | {fw:.2f} s / {fc:.2f} s / {fm:.0f} MiB | {sw:.2f} s / {sc:.2f} s / "
                  f"{sm:.0f} MiB | {sw / fw:.1f}× | {lowest:.1f}× |")


def summary(runs):
    """Median wall and CPU time and the highest peak memory of (wall, cpu, peak) runs."""
    median = lambda values: sorted(values)[len(values) // 2]
    return median([r[0] for r in runs]), median([r[1] for r in runs]), max(r[2] for r in runs)


if __name__ == "__main__":
    main()
