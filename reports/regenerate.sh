#!/usr/bin/env bash
# Regenerates the example outputs in reports/ from the embedded registry:
#   bash reports/regenerate.sh
# The as-of date is fixed so that the files only change when the data or the method does.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin=target/release/capfloor
asof=2026-11-01
$bin chart floor --from 2023-01-01 --to "$asof" --out reports/floor.png
$bin chart floor --from 2023-01-01 --to "$asof" --out reports/floor.svg
$bin chart frontier --to "$asof" --out reports/frontier.png
$bin chart progress --to "$asof" --out reports/progress.png
$bin floor --as-of "$asof" > reports/floor.txt
$bin floor --as-of "$asof" --json > reports/floor.json
$bin floor history --from 2023-01-01 --to "$asof" --step quarter > reports/floor-history.txt
$bin floor project --as-of "$asof" --until 2032-01-01 > reports/floor-project.txt
$bin backtest --verbose > reports/backtest.txt
$bin capability --check > reports/capability-check.txt
