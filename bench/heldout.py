#!/usr/bin/env python3
"""Recall and false alarms on labelled corpora Ferret's rules were never tuned on: the test cases
of eight other secret scanners (secretlint, Semgrep's secret rules, ripsecrets, detect-secrets,
CredSweeper, whispers, Trivy, SonarSource's sonar-text).
All cases go into one temporary tree scanned by one `ferret scan --select secrets`.

**secretlint.** Each of secretlint's rule packages
(`packages/@secretlint/secretlint-rule-NAME/test/snapshots/`) keeps cases as directories: `ng.*` cases hold an input file and an `output.json` listing every
secret secretlint reports (with its line); `ok.*` cases hold an input that must draw no report.
Every case of the secret rules is taken (not the rules about file names, home directories,
`.env` files, Kubernetes `kind: Secret`, comments or user patterns, and not cases that need a
`.secretlintrc.json` option), and counted as

- a positive (one message of an `ng.*` case) as found when Ferret reports a secret in that file on
  a line the message spans;
- a negative (one `ok.*` case) as a false alarm when Ferret reports any secret in its file.

**semgrep.** Semgrep's registry (`generic/secrets/security/`) tests each secret rule on a file
whose lines are labelled by the comment above them: `ruleid: RULE` (the next line holds a
secret) or `ok: RULE` (it must draw no report). A positive is found, and a negative reported, when
Ferret reports a secret on that line. The AWS account-id rule is left out (an account id is not a
secret).

**ripsecrets.** Every line of `test/one_per_line/*` and every file of `test/one*/` holds a
secret; the lines of `test/none` hold none.

**detect-secrets.** Yelp's detect-secrets tests each plugin on single lines labelled
`should_flag` True or False (`tests/plugins/*_test.py`); each line is scanned as its own file.
Its public-IP plugin is left out.

**credsweeper.** Samsung's CredSweeper keeps the expected output of its own scan of its samples
(`tests/samples/`): what its default run reports is positive, what its rules match but its
filters and ML model reject is negative (see `credsweeper_cases`). These are one scanner's
labels, not hand labels.

**whispers.** Skyscanner's whispers splits its fixtures (`tests/fixtures/`) into compliant and
non-compliant parts; a non-compliant line holding a value with `hardcoded` (or its base64) is a
positive, an assigning compliant line a negative (see `whispers_cases`).

**trivy.** Trivy's secret scanner tests (`pkg/fanal/secret/scanner_test.go`) list the findings its
built-in rules must report in each file of `testdata/`: each is a positive; every line of a file
that must draw none is a negative (see `trivy_cases`). Added 2026-12-04 and measured before any
rule was changed for it.

**sonar.** SonarSource's secret rules (`sonar-text`) carry their own examples: a text and whether
it `containsSecret`, with the secret's `match`. Each example is a file; a positive is found when
Ferret reports a secret on the line holding its match, a negative is a false alarm when Ferret
reports anything in it. A text labelled negative for one rule but positive for another is a
positive only (see `sonar_cases`). Added 2026-12-04 (fourteenth session) and measured before any
rule was changed for it.

    python3 bench/heldout.py FERRET_BINARY secretlint=SECRETLINT_CHECKOUT \
        semgrep=SEMGREP_RULES_CHECKOUT detect-secrets=DETECT_SECRETS_CHECKOUT \
        ripsecrets=RIPSECRETS_CHECKOUT credsweeper=CREDSWEEPER_CHECKOUT \
        whispers=WHISPERS_CHECKOUT trivy=TRIVY_CHECKOUT sonar=SONAR_TEXT_CHECKOUT

A checkout is a tree of github.com/secretlint/secretlint, github.com/semgrep/semgrep-rules,
github.com/Yelp/detect-secrets, github.com/sirwart/ripsecrets, github.com/Samsung/CredSweeper
github.com/Skyscanner/whispers, github.com/aquasecurity/trivy or github.com/SonarSource/sonar-text
(for example the search tool's `fetch`, then `git --git-dir=… archive HEAD packages/@secretlint |
tar -x`, `… generic/secrets/security`, `… tests/plugins`, `… test`, `… tests/samples tests/data`,
`… tests`, `… pkg/fanal/secret` or `… sonar-text-plugin/src/main/resources/org/sonar/plugins/secrets`). With HELDOUT_MISSED=FILE, the missed
positives and the reported negatives are written to FILE as JSON.
"""
import ast
import base64
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile

from recall import MADE_UP

# Rules that are about something other than a secret's value.
NOT_SECRET_RULES = {"no-homedir", "no-dotenv", "no-k8s-kind-secret", "filter-comments", "pattern",
                    "example"}
# Files a case was made from (the key a `.p12` was built with), not its input.
NOT_INPUT = {"output.json", ".secretlintrc.json", "options.ts", "README.md", "prvkey.pem",
             "pubkey.crt", "req.csr"}


def secretlint_cases(checkout, tmp):
    """Copies secretlint's cases into `tmp`; yields (rule, case, folder, kind, lines, label):
    a positive per message (the lines it spans), a negative per `ok` case (`lines` None: the
    whole file)."""
    root = pathlib.Path(checkout) / "packages" / "@secretlint"
    for snapshots in sorted(root.glob("secretlint-rule-*/test/snapshots")):
        rule = snapshots.parent.parent.name.removeprefix("secretlint-rule-")
        if rule in NOT_SECRET_RULES or rule.startswith("preset-"):
            continue
        for case in sorted(p for p in snapshots.iterdir() if p.is_dir()):
            if (case / ".secretlintrc.json").exists() or not (case / "output.json").exists():
                continue
            folder = pathlib.Path(tmp) / "secretlint" / rule / case.name
            folder.mkdir(parents=True)
            for f in case.iterdir():
                if f.is_file() and f.name not in NOT_INPUT and not f.name.startswith("output."):
                    shutil.copy(f, folder / f.name)
            folder = str(folder.relative_to(tmp))
            # A few cases are named after what they test (`npmrc-_authToken`): labelled by
            # whether secretlint reports anything.
            messages = json.loads((case / "output.json").read_text()).get("messages", [])
            if case.name.startswith("ok.") or not messages:
                yield rule, case.name, folder, "negative", None, ""
            for m in messages if not case.name.startswith("ok.") else []:
                lines = (m["loc"]["start"]["line"], m["loc"]["end"]["line"])
                yield rule, case.name, folder, "positive", lines, m.get("message", "")[:160]


# Semgrep rules about data that is not a secret.
SEMGREP_NOT_SECRET = {"detected-aws-account-id"}
SEMGREP_LABEL = re.compile(r"\b(ruleid|ok|todoruleid|todook):\s*([\w.-]+)")


def semgrep_cases(checkout, tmp):
    """Copies Semgrep's secret-rule test files into `tmp`; yields a positive per line labelled
    `ruleid:` and a negative per line labelled `ok:` (the next line that is not a comment)."""
    root = pathlib.Path(checkout) / "generic" / "secrets" / "security"
    for path in sorted(root.iterdir()):
        if path.suffix in (".yaml", ".yml") or not path.is_file():
            continue
        rule = path.stem
        if rule in SEMGREP_NOT_SECRET:
            continue
        folder = pathlib.Path(tmp) / "semgrep" / rule
        folder.mkdir(parents=True)
        shutil.copy(path, folder / path.name)
        lines = path.read_text(errors="replace").split("\n")
        for i, line in enumerate(lines):
            m = SEMGREP_LABEL.search(line)
            if not m or m.group(1).startswith("todo"):
                continue
            j = i + 1
            while j < len(lines) and (not lines[j].strip() or SEMGREP_LABEL.search(lines[j])):
                j += 1
            if j < len(lines):
                kind = "positive" if m.group(1) == "ruleid" else "negative"
                yield rule, path.name, str(folder.relative_to(tmp)), kind, (j + 1, j + 1), \
                    lines[j][:160]


# detect-secrets plugins about data that is not a secret (public IP addresses).
DETECT_SECRETS_NOT_SECRET = {"ip_public_test"}


def detect_secrets_cases(checkout, tmp):
    """Writes each line of Yelp detect-secrets' plugin tests (`tests/plugins/*_test.py`, cases
    `@pytest.mark.parametrize('payload, should_flag', [(line, True|False), ...])`) to its own
    file in `tmp`; yields a positive per line to flag and a negative per line not to."""
    root = pathlib.Path(checkout) / "tests" / "plugins"
    for path in sorted(root.glob("*_test.py")):
        if path.stem in DETECT_SECRETS_NOT_SECRET:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if not (isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "parametrize"
                    and len(node.args) == 2 and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[1], ast.List)):
                continue
            names = [n.strip() for n in str(node.args[0].value).split(",")]
            if names not in (["payload", "should_flag"], ["line", "should_flag"]):
                continue
            for i, case in enumerate(node.args[1].elts):
                try:
                    line, flag = ast.literal_eval(case)
                except (ValueError, TypeError):
                    continue
                folder = pathlib.Path(tmp) / "detect-secrets" / path.stem / f"{node.lineno}-{i}"
                folder.mkdir(parents=True)
                (folder / "input.txt").write_text(line + "\n")
                yield path.stem, f"line {case.lineno}", str(folder.relative_to(tmp)), \
                    "positive" if flag else "negative", None, line[:160]


def ripsecrets_cases(checkout, tmp):
    """Copies ripsecrets' test files into `tmp`: every line of `test/one_per_line/*` and every
    file of `test/one/` and `test/one_per_file/` holds a secret; no line of `test/none` does
    (except one whose secret ripsecrets' own `.secretsignore` lists, left out)."""
    root = pathlib.Path(checkout) / "test"
    for path in sorted(root.rglob("*")):
        if not path.is_file():
            continue
        kind_dir = path.relative_to(root).parts[0]
        dest = pathlib.Path(tmp) / "ripsecrets" / path.relative_to(root)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, dest)
        rel = str(dest.relative_to(tmp))
        lines = path.read_text(errors="replace").splitlines()
        if kind_dir in ("one", "one_per_file"):
            yield kind_dir, path.name, rel, "positive", None, path.name
        for i, line in enumerate(lines):
            if not line.strip():
                continue
            if kind_dir == "one_per_line":
                yield path.name, path.name, rel, "positive", (i + 1, i + 1), line[:160]
            elif kind_dir == "none" and ".secretsignore" not in line:
                yield "none", path.name, rel, "negative", (i + 1, i + 1), line[:160]


# CredSweeper rules about data that is not a secret (identifiers, public ids, nonces, salts).
CREDSWEEPER_NOT_SECRET = {"UUID", "AWS S3 Bucket", "Firebase Domain", "Tencent WeChat API App ID",
                          "Square Client ID", "Nonce", "Salt"}


def credsweeper_cases(checkout, tmp):
    """Copies CredSweeper's text samples (`tests/samples/`) into `tmp`. Its expected outputs label
    them: every line of a credential in `tests/data/output.json` (its default run, filters and
    ML model on) is a positive; every line its rules match before filtering
    (`tests/data/no_filters_no_ml.json`) that the default run drops is a negative — a candidate
    CredSweeper judged not to be a credential. Binary samples and archives (read only by its deep
    scan) are left out, and so are lines of rules about identifiers."""
    root = pathlib.Path(checkout) / "tests"
    kept = json.loads((root / "data" / "output.json").read_text())
    candidates = json.loads((root / "data" / "no_filters_no_ml.json").read_text())
    copied = {}

    def copy(path):
        if path not in copied:
            source = root / "samples" / pathlib.Path(path).name
            data = source.read_bytes()
            copied[path] = None
            if b"\0" not in data[:8192]:
                dest = pathlib.Path(tmp) / "credsweeper" / source.name
                dest.parent.mkdir(parents=True, exist_ok=True)
                dest.write_bytes(data)
                copied[path] = str(dest.relative_to(tmp))
        return copied[path]

    def lines_of(cred):
        return {(d["path"], d["line_num"]): d["line"] for d in cred["line_data_list"]}

    positive_lines = set()
    for cred in kept:
        positive_lines |= set(lines_of(cred))
    seen = set()
    for cred in kept:
        found = lines_of(cred)
        rel = copy(next(iter(found))[0])
        nums = sorted(num for _, num in found)
        key = (rel, tuple(nums))
        if cred["rule"] in CREDSWEEPER_NOT_SECRET or not rel or key in seen:
            continue
        # One positive per credential, found when Ferret reports any line of it (a PEM key
        # spans many).
        seen.add(key)
        yield cred["rule"], pathlib.Path(rel).name, rel, "positive", (nums[0], nums[-1]), \
            next(iter(found.values()))[:160]
    for cred in candidates:
        if cred["rule"] in CREDSWEEPER_NOT_SECRET:
            continue
        for (path, num), text in lines_of(cred).items():
            rel = copy(path)
            if rel and (path, num) not in positive_lines and (rel, num) not in seen:
                seen.add((rel, num))
                yield cred["rule"], pathlib.Path(path).name, rel, "negative", (num, num), \
                    text[:160]


# Whispers' fixtures that are not about a secret's value (credit-card numbers, HTML comments) or
# not text to scan (a parse-failure test, an empty folder's marker).
WHISPERS_OUT_OF_SCOPE = {"creditcards.yml", "language.html", "language.py2", "invalid.json",
                         ".gitkeep"}
# Whispers' fixtures labelled by key (`test_detection_by_key`): the keys holding a secret.
WHISPERS_SECRET_KEYS = {"privatekeys": {"access", "key", "rsa", "dsa", "ec", "openssh"},
                        "aws": {"aws_id", "aws_key", "aws_token"},
                        "jenkins": {"noncompliantApiToken", "noncompliantPasswordHash"},
                        "cloudformation": {"NoncompliantDBPassword"}}
B64_RUN = re.compile(r"[A-Za-z0-9+/]{8,}={0,2}")


def whispers_marks_secret(line):
    """Whispers' own test of a reported value: it contains `hardcoded` (any case), or is base64
    that decodes to it. A name such as `hardcoded_passwords` is not a value."""
    line = re.sub(r"\w*hardcoded_passwords?\b", "", line, flags=re.I)
    if "hardcoded" in line.lower():
        return True
    for run in B64_RUN.findall(line):
        try:
            if b"hardcoded" in base64.b64decode(run + "=" * (-len(run) % 4)).lower():
                return True
        except ValueError:
            pass
    return False


def whispers_cases(checkout, tmp):
    """Copies Skyscanner's whispers fixtures (`tests/fixtures/`) into `tmp`. Their files are split
    by markers (`# Compliant`, `noncompliant:`, `<!-- Compliant -->`, `--- NONCOMPLIANT`); whispers'
    tests require every value it reports to contain `hardcoded` or its base64. So a line after a
    non-compliant marker (or in a file without markers) that holds such a value is a positive, as
    is the line of a key `test_detection_by_key` names; a line after a compliant marker that
    assigns something, and every assigning line of the files that must draw no report
    (`placeholders.*`, `custom.*`), is a negative. Its values are made up (`hardcoded3`,
    `YXNkZmZmZmZm_HARDcoded`), as in a test, not drawn at random."""
    root = pathlib.Path(checkout) / "tests" / "fixtures"
    for path in sorted(root.rglob("*")):
        # `excluded.*` test whispers' exclusion settings, not detection.
        if (not path.is_file() or path.name in WHISPERS_OUT_OF_SCOPE
                or path.name.startswith("excluded.")):
            continue
        dest = pathlib.Path(tmp) / "whispers" / path.relative_to(root)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, dest)
        rel = str(dest.relative_to(tmp))
        stem = path.name.lstrip(".").split(".")[0]
        clean = stem in ("placeholders", "custom")
        keys = WHISPERS_SECRET_KEYS.get(stem, set())
        section = None
        for i, line in enumerate(path.read_text(errors="replace").splitlines()):
            marker = re.sub(r"[^a-z]", "", line.lower())
            if marker in ("compliant", "noncompliant"):
                section = marker
                continue
            assigns = re.search(r"[=:]|>[^<\s]", line)
            named = any(re.search(r"(?:^|[\s\"'<])" + re.escape(k) + r"[\"'>]?\s*[:=>]", line)
                        for k in keys)
            if clean or section == "compliant":
                if assigns:
                    yield stem, path.name, rel, "negative", (i + 1, i + 1), line[:160]
            elif named:
                # A key's value may sit on the lines below it (CloudFormation's `Default:`).
                yield stem, path.name, rel, "positive", (i + 1, i + 4), line[:160]
            elif not keys and whispers_marks_secret(line):
                yield stem, path.name, rel, "positive", (i + 1, i + 1), line[:160]


# Trivy test files whose case is about a path rule or a custom rule, not a secret's value.
TRIVY_NOT_VALUE = {"example-secret.txt", "secret.md", "multi-line.txt", "secret.txt"}
TRIVY_BUILTIN_CONFIGS = {"skip-test.yaml", "config.yaml"}
TRIVY_CASE = re.compile(r'configPath:\s*filepath\.Join\("testdata", "([^"]+)"\),\s*'
                        r'inputFilePath:\s*(?:filepath\.Join\("testdata", "([^"]+)"\)|"testdata/([^"]+)"),'
                        r'(.*?)\n\t\t\},', re.S)
TRIVY_OPENAI = re.compile(r'\t(want\w+) := openAIFinding\("([^"]+)"')
TRIVY_WANT = re.compile(r"\t(want\w+) := types\.SecretFinding\{(.*?)\n\t\}", re.S)


def trivy_findings(block):
    """(rule id, start line, end line) of each finding written out in `block` (its fields
    `RuleID: "…"`, `StartLine: N`, `EndLine: N`)."""
    found = []
    for part in re.split(r"\bRuleID:", block)[1:]:
        rule = re.match(r'\s*"([^"]+)"', part)
        start, end = re.search(r"StartLine:\s*(\d+)", part), re.search(r"EndLine:\s*(\d+)", part)
        if rule and start and end:
            found.append((rule.group(1), int(start.group(1)), int(end.group(1))))
    return found


def trivy_cases(checkout, tmp):
    """Copies the test files of Trivy's secret scanner (`pkg/fanal/secret/testdata/`) into `tmp`.
    `scanner_test.go` lists, per file scanned with Trivy's built-in rules only
    (`skip-test.yaml`, `config.yaml`), every finding Trivy must report: each is a positive (its
    lines); every non-empty line of a file that must draw no finding is a negative. Custom rules
    of the test configs, and cases about path rules (`example-secret.txt`, `secret.md`), are left
    out."""
    root = pathlib.Path(checkout) / "pkg" / "fanal" / "secret"
    test = (root / "scanner_test.go").read_text()
    wants = {m.group(1): trivy_findings(m.group(2)) for m in TRIVY_WANT.finditer(test)}
    # OpenAI's cases are built by a helper: one finding on line 1 of the file.
    wants.update({m.group(1): [(m.group(2), 1, 1)] for m in TRIVY_OPENAI.finditer(test)})
    seen = set()
    for m in TRIVY_CASE.finditer(test):
        config, name, rest = m.group(1), m.group(2) or m.group(3), m.group(4)
        if config not in TRIVY_BUILTIN_CONFIGS or name in TRIVY_NOT_VALUE or name in seen:
            continue
        seen.add(name)
        path = root / "testdata" / name
        dest = pathlib.Path(tmp) / "trivy" / name
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, dest)
        rel = str(dest.relative_to(tmp))
        lines = path.read_text(errors="replace").splitlines()
        listed = trivy_findings(rest) + [f for var in re.findall(r"\b(want\w+)\b", rest)
                                         for f in wants.get(var, [])]
        listed = sorted({f for f in listed if not f[0].startswith("rule")})
        for rule, start, end in listed:
            yield rule, name, rel, "positive", (start, end), lines[start - 1][:160]
        if "Findings:" not in rest or re.search(r"Findings:\s*nil", rest):
            for i, line in enumerate(lines):
                if line.strip():
                    yield "none", name, rel, "negative", (i + 1, i + 1), line[:160]


SONAR_INCLUDE = re.compile(r"^\s*\$\{[\w/.-]+\.yaml\}\s*$", re.M)


def sonar_cases(checkout, tmp):
    """Copies the examples of SonarSource's secret rules (`sonar-text`: every
    `sonar-text-plugin/src/main/resources/org/sonar/plugins/secrets/configuration/*.yaml`) into
    `tmp`, one file per example (named by its `fileName` when the rule only looks at some
    files): `containsSecret: true` is a positive (the line holding its `match`, or the whole
    file), `false` a negative (any secret reported in the file)."""
    import yaml
    root = (pathlib.Path(checkout) / "sonar-text-plugin" / "src" / "main" / "resources" / "org"
            / "sonar" / "plugins" / "secrets" / "configuration")
    # `${common/patternNot.yaml}` splices a shared list in; the examples don't need it.
    specs = {spec: yaml.safe_load(SONAR_INCLUDE.sub("", spec.read_text()))["provider"]
             for spec in sorted(root.glob("*.yaml"))}
    # Labels are per rule: a text one rule must not match may be another rule's positive
    # (`SECRET_KEY = os.getenv("SECRET_KEY", "…")`); it holds a secret, so it is no negative.
    secret_texts = {example["text"] for provider in specs.values()
                    for rule in provider.get("rules", []) for example in rule.get("examples") or []
                    if example.get("containsSecret")}
    for spec, provider in specs.items():
        for rule in provider.get("rules", []):
            for n, example in enumerate(rule.get("examples") or []):
                text = example["text"]
                if not example.get("containsSecret") and text in secret_texts:
                    continue
                name = pathlib.PurePosixPath(example.get("fileName") or "example.txt").name
                folder = pathlib.Path(tmp) / "sonar" / spec.stem / rule["id"] / str(n)
                folder.mkdir(parents=True)
                (folder / name).write_text(text)
                rel = str((folder / name).relative_to(tmp))
                lines = text.splitlines()
                if example.get("containsSecret"):
                    match = str(example.get("match") or "")
                    at = [i + 1 for i, line in enumerate(lines) if match and match in line]
                    span = (at[0], at[0]) if at else None
                    shown = lines[at[0] - 1] if at else text.strip().splitlines()[0]
                    yield rule["id"], f"{spec.stem}#{n}", rel, "positive", span, shown[:160]
                else:
                    yield rule["id"], f"{spec.stem}#{n}", rel, "negative", None, text.strip()[:160]


CORPORA = {"credsweeper": credsweeper_cases, "secretlint": secretlint_cases, "semgrep": semgrep_cases,
           "detect-secrets": detect_secrets_cases, "ripsecrets": ripsecrets_cases,
           "whispers": whispers_cases, "trivy": trivy_cases, "sonar": sonar_cases}


def main():
    ferret, corpora = sys.argv[1], [a.split("=", 1) for a in sys.argv[2:]]
    with tempfile.TemporaryDirectory() as tmp:
        items = [(name, *case) for name, checkout in corpora
                 for case in CORPORA[name](checkout, tmp)]
        out = subprocess.run(
            [ferret, "scan", tmp, "--select", "secrets", "--format", "json", "--no-progress",
             "--exit-zero"], capture_output=True, text=True, check=True)
        findings = json.loads(out.stdout)["findings"]
    # Every finding, and those left at `--min-confidence medium`.
    print_tables(items, index(findings), "")
    print_tables(items, index([f for f in findings if f.get("confidence") != "low"]),
                 " at --min-confidence medium", write_missed=False)


def index(findings):
    """Findings by file and by folder (a case names one or the other)."""
    found = {}
    for f in findings:
        loc = f["location"]
        for key in (loc["path"], str(pathlib.Path(loc["path"]).parent)):
            found.setdefault(key, []).append((loc["start_line"], loc["end_line"], f["rule_id"]))
    return found


def print_tables(items, found, heading, write_missed=True):
    """Prints recall and false alarms per rule and per corpus for one set of findings."""
    by_rule = {}
    report = []
    for corpus, rule, case, folder, kind, lines, label in items:
        # positives found / total, negatives reported / total, realistic positives found / total
        stats = by_rule.setdefault((corpus, rule), [0, 0, 0, 0, 0, 0])
        hits = [h for h in found.get(folder, [])
                if lines is None or (h[0] <= lines[1] and lines[0] <= h[1])]
        if kind == "negative":
            stats[3] += 1
            stats[2] += bool(hits)
            if hits:
                report.append({"corpus": corpus, "rule": rule, "case": case,
                               "kind": "negative reported", "line": lines and lines[0],
                               "text": label, "ferret": sorted({h[2] for h in hits})})
        else:
            stats[1] += 1
            stats[0] += bool(hits)
            if not MADE_UP.search(label):
                stats[5] += 1
                stats[4] += bool(hits)
            if not hits:
                report.append({"corpus": corpus, "rule": rule, "case": case,
                               "kind": "positive missed", "line": lines and lines[0],
                               "text": label})
    if write_missed:
        print("| corpus | rule | positives found | negatives reported |")
        print("| --- | --- | --- | --- |")
    totals = {}
    for (corpus, rule), s in sorted(by_rule.items()):
        if write_missed:
            print(f"| {corpus} | {rule} | {s[0]} / {s[1]} | {s[2]} / {s[3]} |")
        t = totals.setdefault(corpus, [0] * 6)
        for i in range(6):
            t[i] += s[i]
    totals["all"] = [sum(t[i] for t in totals.values()) for i in range(6)]
    # Realistic: without values typed by hand (`abcdef`, `123456`, `xxxx`, long repeats), which
    # Ferret drops or reports at low confidence on purpose (see recall.py).
    print(f"\n| corpus{heading} | recall | realistic recall | false-alarm rate |")
    print("| --- | --- | --- | --- |")
    for corpus, t in totals.items():
        print(f"| {corpus} | {100 * t[0] / max(t[1], 1):.1f}% ({t[0]} / {t[1]}) "
              f"| {100 * t[4] / max(t[5], 1):.1f}% ({t[4]} / {t[5]}) "
              f"| {100 * t[2] / max(t[3], 1):.1f}% ({t[2]} / {t[3]}) |")
    if write_missed and os.environ.get("HELDOUT_MISSED"):
        pathlib.Path(os.environ["HELDOUT_MISSED"]).write_text(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
