#!/usr/bin/env bash
# Regenerates the example outputs in reports/ from the embedded registry:
#   bash reports/regenerate.sh
# The as-of date is fixed so that the files only change when the data or the method does.
# --force: these are the repository's own generated files (older ones predate the marker).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin=target/release/capfloor
asof=2026-11-01
$bin chart floor --from 2023-01-01 --to "$asof" --out reports/floor.png --force
$bin chart floor --from 2023-01-01 --to "$asof" --out reports/floor.svg --force
$bin chart frontier --to "$asof" --out reports/frontier.png --force
$bin chart progress --to "$asof" --out reports/progress.png --force
$bin chart project --from 2023-01-01 --to "$asof" --until 2032-01-01 --out reports/project.png --force
$bin explore --as-of "$asof" --out reports/explore.html --force
$bin floor --as-of "$asof" > reports/floor.txt
$bin floor --as-of "$asof" --json > reports/floor.json
$bin floor history --from 2023-01-01 --to "$asof" --step quarter > reports/floor-history.txt
$bin floor project --as-of "$asof" --until 2032-01-01 > reports/floor-project.txt
$bin backtest --verbose > reports/backtest.txt
$bin capability --check > reports/capability-check.txt
# No text of these charts touches other text or runs off the canvas (the same charts, drawn on a
# backend that records every string's pixels).
cargo test --release --quiet --lib -- --ignored the_charts_in_reports_have_no_overlapping_or_clipped_text
