#!/usr/bin/env python3
"""Runs one command and prints its wall time (s) and peak resident memory (MiB) as JSON.

Usage: measure.py -- CMD [ARGS...]; the command's own output is discarded."""
import json, resource, subprocess, sys, time

args = sys.argv[sys.argv.index("--") + 1:]
start = time.perf_counter()
proc = subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
wall = time.perf_counter() - start
peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"wall_s": round(wall, 3), "peak_mib": round(peak_kib / 1024, 1), "exit": proc.returncode}))
