"""Times `capfloor inspect` against the Python peer on the DeepSeek-V3-shaped fixture, side by side
in one run: wall time (median of RUNS, after one warm-up run each) and peak resident memory
(maximum over the runs, from wait4's rusage). Usage, from the repository root:

    python3 benchmarks/inspect/run.py [RUNS]

It builds the release binary and the fixture (under benchmarks/work/, git-ignored) if needed, and
installs the peer's `safetensors` and `numpy` with pip if they are missing."""
import os
import statistics
import subprocess
import sys
import time

RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 10
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
WORK = os.path.join(ROOT, "benchmarks", "work")
FIXTURE = os.path.join(WORK, "deepseek-v3")
BIN = os.path.join(ROOT, "target", "release", "capfloor")


def sh(*cmd):
    subprocess.run(cmd, cwd=ROOT, check=True)


def measure(cmd):
    """(wall seconds, peak RSS in MiB, stdout) of one run."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out = proc.stdout.read()
    proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{cmd} failed")
    return wall, usage.ru_maxrss / 1024, out.decode()


def bench(name, cmd):
    measure(cmd)  # warm the page cache and the interpreter
    walls, peaks = [], []
    for _ in range(RUNS):
        wall, peak, out = measure(cmd)
        walls.append(wall)
        peaks.append(peak)
    print(f"{name:<10} median {statistics.median(walls) * 1000:8.1f} ms  "
          f"min {min(walls) * 1000:8.1f} ms  peak RSS {max(peaks):6.1f} MiB")
    return statistics.median(walls), max(peaks), out


def main():
    try:
        import safetensors  # noqa: F401
        import numpy  # noqa: F401
    except ImportError:
        sh(sys.executable, "-m", "pip", "install", "--quiet", "safetensors", "numpy")
    sh("cargo", "build", "--release", "--quiet")
    if not os.path.exists(os.path.join(FIXTURE, "config.json")):
        sh("cargo", "run", "--release", "--quiet", "--example", "deepseek-v3-fixture", "--", FIXTURE)
    print(f"fixture: {FIXTURE} (163 shards), {RUNS} runs each, {os.cpu_count()} cores")
    ours, our_peak, out = bench("capfloor", [BIN, "inspect", FIXTURE, "--json"])
    peer, peer_peak, peer_out = bench("python", [sys.executable, os.path.join(ROOT, "benchmarks", "inspect", "peer.py"), FIXTURE])
    print(f"speed-up  {peer / ours:.1f}x  (target >= 10x); capfloor peak {our_peak:.1f} MiB (target < 64 MB)")
    print(f"peer counted: {peer_out.strip()} (tensors, stored elements)")


main()
