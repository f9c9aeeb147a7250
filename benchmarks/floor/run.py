"""Wall time of the capability fit and of the floor with 1,000 bootstrap resamples on the
embedded registry (targets: under 2 s each on 2 cores), and of the floor at an as-of date far
past the data (issue 13: time proportional to the data, not to the calendar; it took 60-150 s).
Usage, from the repository root:

    python3 benchmarks/floor/run.py [RUNS]

Each command includes process start-up and loading the embedded registry; `floor` includes the
capability fit it rests on."""
import os
import statistics
import subprocess
import sys
import time

RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 10
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.join(ROOT, "target", "release", "capfloor")
COMMANDS = [
    ("capability (fit)", ["capability", "--json"]),
    ("capability --check (2 fits)", ["capability", "--check", "--json"]),
    ("floor, 1000 resamples", ["floor", "--as-of", "2026-11-01", "--json"]),
    ("floor --as-of 9999-12-31", ["floor", "--as-of", "9999-12-31", "--json"]),
    ("backtest (90 refits)", ["backtest", "--json"]),
]


def main():
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    print(f"{RUNS} runs each after one warm-up, {os.cpu_count()} cores")
    for name, args in COMMANDS:
        subprocess.run([BIN, *args], check=True, capture_output=True)
        times = []
        for _ in range(RUNS):
            start = time.perf_counter()
            subprocess.run([BIN, *args], check=True, capture_output=True)
            times.append(time.perf_counter() - start)
        print(f"{name:<30} median {statistics.median(times) * 1000:7.1f} ms  max {max(times) * 1000:7.1f} ms")


main()
