"""Wall time and peak memory of `capfloor shipments check` on generated ledgers. Targets: a
1,000,000-row ledger checked in under 2 s on 2 cores (issue 8); a 5,000,000-row ledger in under
256 MB of peak RSS, i.e. memory that does not grow with the rows (issue 13). Usage, from the
repository root:

    python3 benchmarks/shipments/run.py [RUNS] [ROWS ...]

ROWS defaults to 1000000 5000000. Each ledger is written once under benchmarks/work/ from a fixed
seed: 5,000 consignees, 10 destinations across the three tiers, 6 chips, dates over 2025-2027; one
row in ten at one of 200 sites, one in five under one of 20 VEU holders (tier 1 and tier 2
headquarters). Peak RSS is the child's ru_maxrss (os.wait4), the largest over the runs."""
import os
import random
import statistics
import subprocess
import sys
import time

RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 5
SIZES = [int(a) for a in sys.argv[2:]] or [1_000_000, 5_000_000]
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.join(ROOT, "target", "release", "capfloor")


def ledger(rows):
    # The 1M ledger keeps the name earlier records were measured on.
    name = "ledger-1m-v2.csv" if rows == 1_000_000 else f"ledger-{rows}.csv"
    path = os.path.join(ROOT, "benchmarks", "work", name)
    if os.path.exists(path):
        return path
    os.makedirs(os.path.dirname(path), exist_ok=True)
    rng = random.Random(4091)
    chips = ["H100", "A100", "H20", "B200", "L40S", "MI300X"]
    dests = ["IN", "BR", "DE", "JP", "SG", "AE", "MX", "US", "CN", "GB"]
    with open(path + ".tmp", "w") as f:
        f.write("date,consignee,consignee_hq,destination,chip,quantity,site,operator\n")
        for i in range(rows):
            site = f"Site{i % 200}" if i % 10 == 0 else ""
            if i % 5 == 1:
                # A VEU holder: its headquarters is fixed (tier 1 for even ids, tier 2 for odd).
                op = i % 20
                hq, operator = ("US" if op % 2 == 0 else "IN"), f"Holder{op}"
            else:
                hq, operator = rng.choice(dests), ""
            f.write(f"202{5 + i % 3}-{1 + i % 12:02d}-{1 + i % 28:02d},Consignee{i % 5000},"
                    f"{hq},{rng.choice(dests)},{rng.choice(chips)},{1 + i % 50},{site},{operator}\n")
    os.replace(path + ".tmp", path)
    return path


def measure(args):
    """Wall seconds and peak RSS (MiB) of one run."""
    start = time.perf_counter()
    p = subprocess.Popen(args, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - start
    # Exit code 1 (a limit exceeded, with --fail-on) does not occur here: no --fail-on.
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{args} failed with {status}")
    return wall, usage.ru_maxrss / 1024


def main():
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    for rows in SIZES:
        path = ledger(rows)
        size = os.path.getsize(path) / 1e6
        for name, extra in [("summary", []), ("--json (every row echoed)", ["--json"])]:
            walls, peaks = [], []
            for _ in range(RUNS):
                wall, peak = measure([BIN, "shipments", "check", path, *extra])
                walls.append(wall)
                peaks.append(peak)
            print(f"{rows:>9} rows ({size:.0f} MB)  {name:<26} median {statistics.median(walls):.2f} s"
                  f"  max {max(walls):.2f} s  peak RSS {max(peaks):.1f} MiB")


main()
