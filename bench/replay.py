#!/usr/bin/env python3
"""Builds a commit-heavy git history from successive releases of a package: between two
releases, every changed file is committed hunk by hunk (one commit per changed region of a text
file, one per new, binary or deleted file), in path order, so the history has the shape of real
development — tens of thousands of small commits over a tree of thousands of files — from inputs
a package registry serves. Writes a `git fast-import` stream and repacks the result the way
`git gc` would.

Usage: replay.py REPO WHEEL...   (wheels in release order)"""
import difflib
import subprocess
import sys
import zipfile

TEXT = (".py", ".txt", ".html", ".js", ".css", ".po", ".json", ".xml", ".cfg", ".toml", ".md")


def release(path):
    """path -> bytes of one wheel's files (its own metadata left out)."""
    with zipfile.ZipFile(path) as wheel:
        return {
            name: wheel.read(name)
            for name in wheel.namelist()
            if not name.endswith("/") and ".dist-info/" not in name
        }


def steps(old, new, name):
    """The successive contents of file `name` going from `old` to `new`, one per hunk."""
    if old is None or not name.endswith(TEXT):
        return [new]
    try:
        a = old.decode("utf-8").splitlines(True)
        b = new.decode("utf-8").splitlines(True)
    except UnicodeDecodeError:
        return [new]
    hunks = [op for op in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes() if op[0] != "equal"]
    if not hunks:
        return [new]
    return ["".join(b[:j2] + a[i2:]).encode() for _, _, i2, _, j2 in hunks]


def main():
    repo, wheels = sys.argv[1], sys.argv[2:]
    subprocess.run(["git", "init", "-q", "-b", "main", repo], check=True)
    importer = subprocess.Popen(["git", "-C", repo, "fast-import", "--quiet"], stdin=subprocess.PIPE)
    out = importer.stdin
    commits = 0
    previous = {}

    def commit(message, change):
        nonlocal commits
        commits += 1
        when = 1_600_000_000 + commits * 600
        out.write(b"commit refs/heads/main\n")
        out.write(f"committer Replay <replay@example.com> {when} +0000\n".encode())
        msg = message.encode()
        out.write(b"data %d\n%s\n" % (len(msg), msg))
        out.write(change)
        out.write(b"\n")

    for wheel in wheels:
        version = wheel.rsplit("/", 1)[-1].split("-")[1]
        current = release(wheel)
        for name in sorted(set(current) | set(previous)):
            new = current.get(name)
            old = previous.get(name)
            if new == old:
                continue
            if new is None:
                commit(f"{version}: remove {name}", f"D {name}\n".encode())
                continue
            contents = steps(old, new, name)
            for i, content in enumerate(contents, 1):
                change = b"M 100644 inline %s\ndata %d\n%s\n" % (name.encode(), len(content), content)
                commit(f"{version}: {name} ({i}/{len(contents)})", change)
        previous = current
    out.close()
    if importer.wait() != 0:
        sys.exit("git fast-import failed")
    subprocess.run(["git", "-C", repo, "repack", "-adfq", "--depth=50", "--window=10"], check=True)
    print(f"{commits} commits from {len(wheels)} releases", file=sys.stderr)


if __name__ == "__main__":
    main()
