#!/usr/bin/env python3
"""Recall on the peers' published rule examples, and false alarms on their negative examples.

Reads every YAML rule file under the directories given (kingfisher's `data/rules`, Nosey
Parker's `data/default/builtin/rules`: each rule lists `examples` and, for Nosey Parker, often
`negative_examples`), writes each example to its own file, scans them all with one `ferret scan`,
and counts an example as found when Ferret reports at least one secret in its file.

A peer's negative example means "this rule must not match", not "this text holds no secret": Nosey
Parker lists a Slack bot token as a negative of its Slack webhook rule, and a new-format Vault
token as a negative of its old-format rule. A negative that shares a run of 16 or more token
characters with any peer's positive example is another credential by the peers' own labels; it is
counted apart ("credentials of another kind") and not as a false alarm; so is a negative whose
assigned or quoted value (six characters or more, not only letters) is the value of a positive example, as when a
peer lists `password = "super$ecret"` as a positive and `password = 'super$ecret'` as a negative
of a rule that only reads double quotes. Positives typed by hand
(ascending runs such as `abcdef` or `123456`, long repeats, `xxxx`) are placeholders in real code
and Ferret drops them on purpose; recall is also given on the realistic rest.

    python3 bench/recall.py FERRET_BINARY NAME=RULE_DIR [NAME=RULE_DIR ...]

A RULE_DIR may also be TruffleHog's `pkg/detectors`, whose examples are Go tests (see
`go_test_examples`), or Gitleaks' `cmd/generate/config/rules`, whose examples are Go expressions
evaluated by `gitleaks_examples.py` (rules whose examples depend on a file name get that name).

A second table gives, per rule set, Ferret at its default and at `--min-confidence medium`
(values typed by hand are reported at low confidence), and each peer named in RECALL_PEERS.

With RECALL_MISSED=FILE set, every missed positive example, and every negative example Ferret
reports (`"kind": "negative reported"`), is written to FILE as JSON.

Obtain the rule directories from the projects' public repositories (for example with the search
tool's `fetch`, then `git archive HEAD data/rules | tar -x`).
"""
import json
import os
import pathlib
import re
import subprocess
import sys
import tempfile

import yaml

from gitleaks_examples import gitleaks_examples


def examples(rule_dir):
    """Yields (rule id, "positive"|"negative", text, file name the example needs or None)."""
    if (pathlib.Path(rule_dir).parent / "utils" / "generate.go").exists():
        yield from gitleaks_examples(rule_dir)
        return
    for rid, kind, text in go_test_examples(rule_dir):
        yield rid, kind, text, None
    for path in sorted(pathlib.Path(rule_dir).rglob("*.yml")):
        try:
            doc = yaml.safe_load(path.read_text())
        except (yaml.YAMLError, UnicodeDecodeError):
            continue
        for rule in (doc or {}).get("rules", []) or []:
            rid = rule.get("id", path.stem)
            for ex in rule.get("examples", []) or []:
                yield rid, "positive", str(ex), None
            for ex in rule.get("negative_examples", []) or []:
                yield rid, "negative", str(ex), None


# TruffleHog's detectors keep their examples in Go tests (`pkg/detectors/NAME/NAME_test.go`):
# cases with an `input` (a Go string, a variable, or `fmt.Sprintf` of those) and the `want`ed
# secrets. A case that wants a secret is a positive; a case that wants none is not taken as a
# negative, since it is usually a real-looking key outside that detector's keyword range, which a
# generic rule should still report.
GO_STRING = r'"(?:[^"\\\n]|\\.)*"|`[^`]*`'
ASSIGN = re.compile(r'(?m)^\s*(?:const\s+|var\s+)?([A-Za-z_]\w*)\s*(?:string\s*)?:?=\s*(' + GO_STRING + r')\s*$')


def go_literal(lit):
    if lit.startswith("`"):
        return lit[1:-1]
    body = lit[1:-1]
    out, i = [], 0
    esc = {"n": "\n", "t": "\t", '"': '"', "\\": "\\", "r": "\r", "'": "'"}
    while i < len(body):
        c = body[i]
        if c == "\\" and i + 1 < len(body):
            out.append(esc.get(body[i + 1], body[i + 1]))
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def split_args(text):
    """Top-level comma split of a call's argument text (strings kept whole)."""
    args, depth, cur, i = [], 0, [], 0
    while i < len(text):
        c = text[i]
        if c in "\"`":
            m = re.compile(GO_STRING).match(text, i)
            if not m:
                return None
            cur.append(m.group(0))
            i = m.end()
            continue
        if c in "([{":
            depth += 1
        elif c in ")]}":
            if depth == 0:
                args.append("".join(cur).strip())
                return args, i
            depth -= 1
        elif c == "," and depth == 0:
            args.append("".join(cur).strip())
            cur = []
            i += 1
            continue
        cur.append(c)
        i += 1
    return None


def evaluate(expr, names):
    expr = expr.strip()
    if re.fullmatch(GO_STRING, expr, re.S):
        return go_literal(expr)
    if re.fullmatch(r"[A-Za-z_]\w*", expr):
        return names.get(expr)
    parts = [p.strip() for p in expr.split(" + ")]
    if len(parts) > 1:
        vals = [evaluate(p, names) for p in parts]
        return None if None in vals else "".join(vals)
    m = re.match(r"fmt\.Sprintf\(", expr)
    if m:
        got = split_args(expr[m.end():])
        if not got:
            return None
        args = [evaluate(a, names) for a in got[0]]
        if not args or None in args:
            return None
        fmt, rest = args[0], args[1:]
        out = []
        pieces = re.split(r"(%[sqvd])", fmt)
        for p in pieces:
            if re.fullmatch(r"%[sqvd]", p):
                if not rest:
                    return None
                v = rest.pop(0)
                out.append(f'"{v}"' if p == "%q" else v)
            else:
                out.append(p.replace("%%", "%"))
        return "".join(out)
    return None


CASE = re.compile(r"input:\s*")


def go_test_examples(root):
    for path in sorted(pathlib.Path(root).rglob("*_test.go")):
        if "integration" in path.name:
            continue
        src = path.read_text(errors="replace")
        if "FromData" not in src:
            continue
        names = {m.group(1): go_literal(m.group(2)) for m in ASSIGN.finditer(src)}
        rid = path.parent.name
        for m in CASE.finditer(src):
            start = m.end()
            # The expression runs to the `want:` of the same case.
            w = src.find("want:", start)
            if w < 0:
                continue
            expr = src[start:w].strip().rstrip(",").strip()
            want = src[w + 5:w + 200].lstrip()
            if want.startswith("nil") or re.match(r"\[\]string\{\s*\}", want):
                continue
            if not want.startswith("[]string{"):
                continue
            text = evaluate(expr, names)
            if text and text.strip():
                yield rid, "positive", text


# Values typed by hand rather than issued by a provider: ascending runs and long repeats. Ferret
# drops them on purpose (they are placeholders in real code), so recall is also given without them.
MADE_UP = re.compile(r"abcdef|bcdefg|123456|234567|345678|456789|(.)\1{5}|xxxx", re.I)

TOKEN_RUN = re.compile(r"[A-Za-z0-9_+/.~-]{16,}")
# Values assigned (`= v`, `: v`, `=> v`) or quoted, six characters or more and not only letters: a
# short password such as `super$ecret` that a peer lists as a positive in one quoting and as a
# negative in another.
ASSIGNED = re.compile(r"""(?:=>?|:)[ \t]*["']?([^\s"'`;,]{6,})|["']([^\s"'`]{6,})["']""")


def runs(text):
    return set(TOKEN_RUN.findall(text))


def values(text):
    found = {a or b for a, b in ASSIGNED.findall(text)}
    # Names and words (`password`, `clientSecret`) are quoted keys, not values.
    return {v for v in found if not v.isalpha()}


def ferret_hits(binary, tmp, min_confidence="low"):
    """Files (relative to `tmp`) in which Ferret reports a secret of at least `min_confidence`."""
    out = subprocess.run(
        [binary, "scan", tmp, "--select", "secrets", "--format", "json", "--no-progress",
         "--exit-zero", "--min-confidence", min_confidence],
        capture_output=True, text=True, check=True)
    return {f["location"]["path"] for f in json.loads(out.stdout)["findings"]}


def peer_hits(name, binary, tmp):
    """Files in which a peer scanner, run with its defaults, reports a secret. Kingfisher runs
    without validation and without merging equal secrets found in several files."""
    with tempfile.TemporaryDirectory() as outdir:
        report = pathlib.Path(outdir) / "report.json"
        if "kingfisher" in name:
            out = subprocess.run(
                [binary, "scan", tmp, "--no-validate", "--no-dedup", "--format", "json",
                 "--no-update-check"], capture_output=True, text=True)
            text = out.stdout.strip()
        else:  # gitleaks family: betterleaks, gitleaks
            subprocess.run([binary, "dir", tmp, "--no-banner", "--report-format", "json",
                            "--report-path", str(report), "--exit-code", "0"]
                           if name == "gitleaks" else
                           [binary, tmp, "--no-banner", "-o", str(report), "--exit-code", "0"],
                           capture_output=True, text=True)
            text = report.read_text().strip() if report.exists() else ""
    if not text:
        return set()
    data, _ = json.JSONDecoder().raw_decode(text)
    paths = set()

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("path", "File") and isinstance(value, str) and value.startswith(tmp):
                    paths.add(value[len(tmp):].lstrip("/"))
                else:
                    walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(data)
    return paths


def tally(cases, hit_files):
    """Per rule set: [found, total] of positives, negatives, other credentials, realistic
    positives, and the missed positives."""
    by_peer = {}
    missed = []
    for peer, rid, kind, name, text in cases:
        stats = by_peer.setdefault(
            peer, {"positive": [0, 0], "negative": [0, 0], "other credential": [0, 0],
                   "realistic positive": [0, 0]})
        kinds = [kind]
        if kind == "positive" and not MADE_UP.search(text):
            kinds.append("realistic positive")
        for k in kinds:
            stats[k][1] += 1
            if name in hit_files:
                stats[k][0] += 1
        if name not in hit_files and kind == "positive":
            missed.append({"peer": peer, "rule": rid, "example": text})
    total = {k: [sum(s[k][0] for s in by_peer.values()), sum(s[k][1] for s in by_peer.values())]
             for k in ("positive", "negative", "other credential", "realistic positive")}
    return sorted(by_peer.items()) + [("all", total)], missed


def pct(pair):
    return f"{100 * pair[0] / max(pair[1], 1):.1f}%"


def main():
    ferret, dirs = sys.argv[1], sys.argv[2:]
    # RECALL_PEERS="kingfisher=/path/to/kingfisher,betterleaks=/path/to/betterleaks": also run
    # those scanners over the same example files and report them beside Ferret.
    peers = [p.split("=", 1) for p in os.environ.get("RECALL_PEERS", "").split(",") if "=" in p]
    with tempfile.TemporaryDirectory() as tmp:
        cases = []
        for arg in dirs:
            peer, _, d = arg.rpartition("=")
            peer = peer or pathlib.Path(d).name
            for rid, kind, text, file_name in examples(d):
                name = f"{len(cases):05}.txt"
                if file_name:
                    name = f"{len(cases):05}/{file_name}"
                    (pathlib.Path(tmp) / name).parent.mkdir(parents=True, exist_ok=True)
                (pathlib.Path(tmp) / name).write_text(text + "\n")
                cases.append((peer, rid, kind, name, text))
        positive_runs = set()
        positive_values = set()
        for _, _, kind, _, text in cases:
            if kind == "positive":
                positive_runs |= runs(text)
                positive_values |= values(text)
        for i, (peer, rid, kind, name, text) in enumerate(cases):
            if kind == "negative" and (runs(text) & positive_runs
                                       or values(text) & positive_values):
                cases[i] = (peer, rid, "other credential", name, text)
        hits = {"ferret": ferret_hits(ferret, tmp),
                # Values typed by hand (`abcdefgh…`, `Ab1Cd2…`) are reported at low confidence:
                # kingfisher's examples count them as positives, Betterleaks' as negatives.
                "ferret --min-confidence medium": ferret_hits(ferret, tmp, "medium")}
        for name, binary in peers:
            hits[name] = peer_hits(name, binary, tmp)
    reported = []
    for peer, rid, kind, name, text in cases:
        if name in hits["ferret"] and kind == "negative":
            print(f"negative example reported: {peer}:{rid}", file=sys.stderr)
            reported.append({"peer": peer, "rule": rid, "example": text,
                             "kind": "negative reported"})
    rows, missed = tally(cases, hits["ferret"])
    print("| rule set | positives found | recall | realistic positives found | recall on them "
          "| negatives reported | false-alarm rate | negatives that are another credential, reported |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for peer, s in rows:
        pos, neg, other = s["positive"], s["negative"], s["other credential"]
        real = s["realistic positive"]
        print(f"| {peer} | {pos[0]} / {pos[1]} | {pct(pos)} | {real[0]} / {real[1]} | {pct(real)} "
              f"| {neg[0]} / {neg[1]} | {pct(neg)} | {other[0]} / {other[1]} |")
    if len(hits) > 1:
        print("\n| rule set | tool | recall | realistic recall | false-alarm rate |")
        print("| --- | --- | --- | --- | --- |")
        tables = {tool: dict(tally(cases, found)[0]) for tool, found in hits.items()}
        for peer, _ in rows:
            for tool, table in tables.items():
                s = table[peer]
                print(f"| {peer} | {tool} | {pct(s['positive'])} | {pct(s['realistic positive'])} "
                      f"| {pct(s['negative'])} ({s['negative'][0]} / {s['negative'][1]}) |")
    if os.environ.get("RECALL_MISSED"):
        pathlib.Path(os.environ["RECALL_MISSED"]).write_text(
            json.dumps(missed + reported, indent=1))
    missed_rules = sorted({f"{m['peer']}:{m['rule']}" for m in missed})
    print(f"\n{len(missed_rules)} rules with a missed example, e.g.: {', '.join(missed_rules[:40])}",
          file=sys.stderr)


if __name__ == "__main__":
    main()
