"""Wall time of the capability fit and of the floor with 1,000 bootstrap resamples on the
embedded registry (targets: under 2 s each on 2 cores), and the in-process time of one capability
fit, whole-registry and per monthly vintage 2023-01 to 2026-12 (target: well under 50 ms a fit, so
that 48 vintages fit in a fraction of `floor history`'s 5 s), and of the floor at an as-of date far
past the data (issue 13: time proportional to the data, not to the calendar; it took 60-150 s).
Usage, from the repository root:

    python3 benchmarks/floor/run.py [RUNS]

Each command includes process start-up and loading the embedded registry; `floor` includes the
capability fit it rests on. The in-process figures come from `cargo run --release --example
vintage-fits -- RUNS` (`benchmarks/floor/vintage_fits.rs`): medians over RUNS repeats."""
import json
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
    # 58 monthly floors and projections, each with 1,000 resamples, and the page.
    ("explore (the HTML page)", ["explore", "--as-of", "2026-11-01", "--out",
                                 os.path.join(ROOT, "target", "bench-explore.html")]),
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
    subprocess.run(["cargo", "build", "--release", "--quiet", "--example", "vintage-fits"], cwd=ROOT, check=True)
    out = subprocess.run(
        [os.path.join(ROOT, "target", "release", "examples", "vintage-fits"), str(RUNS)],
        check=True, capture_output=True, text=True,
    ).stdout
    fits = json.loads(out)
    print(f"{'capability fit, whole registry':<30} median {fits['whole_registry_ms']:7.1f} ms (in process)")
    print(
        f"{'capability fit, per vintage':<30} median {fits['vintage_median_ms']:7.1f} ms  max {fits['vintage_max_ms']:7.1f} ms  "
        f"all {fits['vintages']}: {fits['vintages_total_ms']:.0f} ms; at most {fits['max_iterations']} iterations, "
        f"all converged: {fits['all_converged']}; largest {fits['largest_vintage']}"
    )


main()
