"""Wall time of `capfloor shipments check` on a 1,000,000-row ledger (issue 8's target: under
2 s on 2 cores). Usage, from the repository root:

    python3 benchmarks/shipments/run.py [RUNS]

The ledger is written once under benchmarks/work/ from a fixed seed: 5,000 consignees, 10
destinations across the three tiers, 6 chips, dates over 2025-2027; one row in ten at one of 200
sites, one in five under one of 20 VEU holders (tier 1 and tier 2 headquarters)."""
import os
import random
import statistics
import subprocess
import sys
import time

RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 5
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LEDGER = os.path.join(ROOT, "benchmarks", "work", "ledger-1m-v2.csv")
BIN = os.path.join(ROOT, "target", "release", "capfloor")


def write():
    if os.path.exists(LEDGER):
        return
    os.makedirs(os.path.dirname(LEDGER), exist_ok=True)
    rng = random.Random(4091)
    chips = ["H100", "A100", "H20", "B200", "L40S", "MI300X"]
    dests = ["IN", "BR", "DE", "JP", "SG", "AE", "MX", "US", "CN", "GB"]
    with open(LEDGER + ".tmp", "w") as f:
        f.write("date,consignee,consignee_hq,destination,chip,quantity,site,operator\n")
        for i in range(1_000_000):
            site = f"Site{i % 200}" if i % 10 == 0 else ""
            if i % 5 == 1:
                # A VEU holder: its headquarters is fixed (tier 1 for even ids, tier 2 for odd).
                op = i % 20
                hq, operator = ("US" if op % 2 == 0 else "IN"), f"Holder{op}"
            else:
                hq, operator = rng.choice(dests), ""
            f.write(f"202{5 + i % 3}-{1 + i % 12:02d}-{1 + i % 28:02d},Consignee{i % 5000},"
                    f"{hq},{rng.choice(dests)},{rng.choice(chips)},{1 + i % 50},{site},{operator}\n")
    os.replace(LEDGER + ".tmp", LEDGER)


def main():
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    write()
    for name, extra in [("summary", []), ("--json (every row echoed)", ["--json"])]:
        times = []
        for _ in range(RUNS):
            start = time.perf_counter()
            subprocess.run([BIN, "shipments", "check", LEDGER, *extra], check=True, stdout=subprocess.DEVNULL)
            times.append(time.perf_counter() - start)
        print(f"{name:<28} median {statistics.median(times):.2f} s  max {max(times):.2f} s")


main()
