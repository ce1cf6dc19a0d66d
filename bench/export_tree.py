"""Write one commit's tree of a bare git snapshot into a directory, skipping blobs the snapshot lacks.

The search tool's snapshots leave out their largest files. `git archive` stops at the first blob
that is missing, so a tree exported with it can be cut short without saying so (Kirby, Waypoint
and Pimcore came out at a third of their size). This reads `git ls-tree -r` and copies each blob
through one `git cat-file --batch`, counting the ones it cannot find.

    python3 bench/export_tree.py /work/.mirror/OWNER+NAME/repo DEST [REV]
"""

import os
import subprocess
import sys


def main() -> None:
    if len(sys.argv) not in (3, 4):
        sys.exit("usage: export_tree.py GIT_DIR DEST [REV]")
    git_dir, dest = sys.argv[1], sys.argv[2]
    rev = sys.argv[3] if len(sys.argv) == 4 else "HEAD"
    listing = subprocess.run(
        ["git", "--git-dir", git_dir, "ls-tree", "-r", "-z", rev],
        capture_output=True,
        check=True,
    ).stdout
    blobs = []
    for entry in filter(None, listing.split(b"\0")):
        meta, path = entry.split(b"\t", 1)
        mode, kind, sha = meta.split()
        # Symbolic links are left out: a tree's link can point anywhere on this machine.
        if kind == b"blob" and mode != b"120000":
            blobs.append((sha, path))
    reader = subprocess.Popen(
        ["git", "--git-dir", git_dir, "cat-file", "--batch"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    missing = 0
    for sha, path in blobs:
        reader.stdin.write(sha + b"\n")
        reader.stdin.flush()
        header = reader.stdout.readline().split()
        if header[-1] == b"missing":
            missing += 1
            continue
        data = reader.stdout.read(int(header[2]))
        reader.stdout.read(1)
        target = os.path.join(os.fsencode(dest), path)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "wb") as out:
            out.write(data)
    reader.stdin.close()
    reader.wait()
    print(f"{len(blobs)} files, {missing} missing from the snapshot")


if __name__ == "__main__":
    main()
