#!/usr/bin/env python3
"""Recall on the peers' published rule examples, and false alarms on their negative examples.

Reads every YAML rule file under the directories given (kingfisher's `data/rules`, Nosey
Parker's `data/default/builtin/rules`: each rule lists `examples` and, for Nosey Parker, often
`negative_examples`), writes each example to its own file, scans them all with one `ferret scan`,
and counts an example as found when Ferret reports at least one secret in its file.

    python3 bench/recall.py FERRET_BINARY NAME=RULE_DIR [NAME=RULE_DIR ...]

Obtain the rule directories from the projects' public repositories (for example with the search
tool's `fetch`, then `git archive HEAD data/rules | tar -x`).
"""
import json
import pathlib
import subprocess
import sys
import tempfile

import yaml


def examples(rule_dir):
    for path in sorted(pathlib.Path(rule_dir).rglob("*.yml")):
        try:
            doc = yaml.safe_load(path.read_text())
        except (yaml.YAMLError, UnicodeDecodeError):
            continue
        for rule in (doc or {}).get("rules", []) or []:
            rid = rule.get("id", path.stem)
            for ex in rule.get("examples", []) or []:
                yield rid, "positive", str(ex)
            for ex in rule.get("negative_examples", []) or []:
                yield rid, "negative", str(ex)


def main():
    ferret, dirs = sys.argv[1], sys.argv[2:]
    with tempfile.TemporaryDirectory() as tmp:
        cases = []
        for arg in dirs:
            peer, _, d = arg.rpartition("=")
            peer = peer or pathlib.Path(d).name
            for rid, kind, text in examples(d):
                name = f"{len(cases):05}.txt"
                (pathlib.Path(tmp) / name).write_text(text + "\n")
                cases.append((peer, rid, kind, name))
        out = subprocess.run(
            [ferret, "scan", tmp, "--select", "secrets", "--format", "json", "--no-progress",
             "--exit-zero"],
            capture_output=True, text=True, check=True)
        hit_files = {f["location"]["path"] for f in json.loads(out.stdout)["findings"]}
    by_peer = {}
    missed = []
    for peer, rid, kind, name in cases:
        stats = by_peer.setdefault(peer, {"positive": [0, 0], "negative": [0, 0]})
        stats[kind][1] += 1
        if name in hit_files:
            stats[kind][0] += 1
        elif kind == "positive":
            missed.append(f"{peer}:{rid}")
        if name in hit_files and kind == "negative":
            print(f"negative example reported: {peer}:{rid}", file=sys.stderr)
    total = {"positive": [0, 0], "negative": [0, 0]}
    print("| rule set | positives found | recall | negatives reported | false-alarm rate |")
    print("| --- | --- | --- | --- | --- |")
    for peer, s in sorted(by_peer.items()) + [("all", total)]:
        if peer != "all":
            for k in total:
                total[k][0] += s[k][0]
                total[k][1] += s[k][1]
        pos, neg = s["positive"], s["negative"]
        print(f"| {peer} | {pos[0]} / {pos[1]} | {100 * pos[0] / max(pos[1], 1):.1f}% "
              f"| {neg[0]} / {neg[1]} | {100 * neg[0] / max(neg[1], 1):.1f}% |")
    missed_rules = sorted(set(missed))
    print(f"\n{len(missed_rules)} rules with a missed example, e.g.: {', '.join(missed_rules[:40])}",
          file=sys.stderr)


if __name__ == "__main__":
    main()
