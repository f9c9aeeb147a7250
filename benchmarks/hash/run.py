"""Hashing throughput of the dossier's fingerprints against `sha256sum`, side by side, on files in
page cache: one 2 GiB file (single-file throughput; target at least 90% of sha256sum's) and four
512 MiB files (capfloor hashes them in parallel; sha256sum one after another). Usage, from the
repository root:

    python3 benchmarks/hash/run.py [RUNS]

The files are written once under benchmarks/work/hash/ (git-ignored) from a fixed pseudo-random
stream; every run checks that both tools print the same digests."""
import os
import random
import statistics
import subprocess
import sys
import time

RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 5
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
WORK = os.path.join(ROOT, "benchmarks", "work", "hash")
BIN = os.path.join(ROOT, "target", "release", "examples", "hash-files")
MIB = 1 << 20


def write(path, size):
    if os.path.exists(path) and os.path.getsize(path) == size:
        return
    rng = random.Random(size)
    block = rng.randbytes(64 * MIB)
    with open(path + ".tmp", "wb") as f:
        for _ in range(size // len(block)):
            f.write(block)
    os.replace(path + ".tmp", path)


def timed(cmd):
    start = time.perf_counter()
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return time.perf_counter() - start, sorted(line.split()[0] for line in out.splitlines())


def compare(name, files):
    size = sum(os.path.getsize(f) for f in files)
    for f in files:  # into page cache
        subprocess.run(["cat", f], stdout=subprocess.DEVNULL, check=True)
    ours, theirs = [], []
    for _ in range(RUNS):
        t, a = timed([BIN, *files])
        ours.append(t)
        t, b = timed(["sha256sum", *files])
        theirs.append(t)
        assert a == b, "digests differ"
    o, s = statistics.median(ours), statistics.median(theirs)
    print(f"{name:<18} capfloor {size / o / 1e9:5.2f} GB/s ({o:.2f} s)  sha256sum {size / s / 1e9:5.2f} GB/s ({s:.2f} s)  ratio {s / o:.2f}")


def main():
    os.makedirs(WORK, exist_ok=True)
    subprocess.run(["cargo", "build", "--release", "--quiet", "--example", "hash-files"], cwd=ROOT, check=True)
    one = os.path.join(WORK, "one-2g.bin")
    write(one, 2048 * MIB)
    four = [os.path.join(WORK, f"part-{i}.bin") for i in range(4)]
    for f in four:
        write(f, 512 * MIB)
    version = subprocess.run(["sha256sum", "--version"], capture_output=True, text=True).stdout.splitlines()[0]
    print(f"{RUNS} runs each, medians; {os.cpu_count()} cores; {version}")
    compare("1 × 2 GiB", [one])
    compare("4 × 512 MiB", four)


main()
