#!/usr/bin/env python3
"""Fairness under a big upload: while one workspace uploads 50,000 findings, another workspace
keeps making small writes (a one-finding upload each); prints the big upload's wall time and the
small writes' latencies during it (p50, p99, max). Run by bench/server.sh against a running
server. Usage: fairness.py BASE_URL BIG_TOKEN SMALL_TOKEN"""
import hashlib
import json
import sys
import threading
import time
import urllib.request

base, big_token, small_token = sys.argv[1:4]


def finding(i):
    return {
        "rule_id": "aws-access-key-id", "category": "secret", "severity": "critical", "confidence": "high",
        "title": "", "snippet": f"API_KEY = \"AKIA*****\"  # entry {i}",
        "location": {"path": f"src/module{i % 400}/file{i}.py", "start_line": 1, "start_column": 5, "end_line": 1, "end_column": 45},
        "fingerprint": hashlib.sha256(f"fair-{i}".encode()).hexdigest()[:32],
    }


def upload(token, findings):
    body = json.dumps({"repository": "app", "branch": "main", "findings": findings}).encode()
    req = urllib.request.Request(base + "/api/scans", data=body, method="POST")
    req.add_header("authorization", f"Bearer {token}")
    req.add_header("content-type", "application/json")
    with urllib.request.urlopen(req, timeout=300) as answer:
        return answer.status


big_findings = [finding(i) for i in range(50_000)]
done = threading.Event()
result = {}


def big():
    start = time.monotonic()
    result["status"] = upload(big_token, big_findings)
    result["seconds"] = time.monotonic() - start
    done.set()


thread = threading.Thread(target=big)
thread.start()
latencies = []
slowest = []
n = 0
began = time.monotonic()
while not done.is_set():
    start = time.monotonic()
    upload(small_token, [finding(1_000_000 + n % 7)])
    # Every write that started during the big upload counts, also one it held up to the end.
    latencies.append(time.monotonic() - start)
    slowest.append((latencies[-1], start - began))
    n += 1
thread.join()
latencies.sort()
pick = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000
print(f"big upload: 50,000 findings, HTTP {result['status']}, {result['seconds']:.2f} s")
if latencies:
    print(f"other workspace's small writes during it: {len(latencies)}, "
          f"p50 {pick(0.5):.0f} ms, p99 {pick(0.99):.0f} ms, max {latencies[-1] * 1000:.0f} ms")
    slow = ", ".join(f"{l * 1000:.0f} ms at {at:.2f} s" for l, at in sorted(slowest)[-5:])
    print(f"slowest small writes (when they started): {slow}")
else:
    print("other workspace's small writes during it: none completed")
