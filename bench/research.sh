#!/usr/bin/env bash
# Merge benchmark for the research tool: synthetic participants written by the tool's own writer (the
# extension's export code), then `merge` timed with /usr/bin/time -v (wall clock and peak memory).
#   bash bench/research.sh 1000 10000      # participants, events per participant
# Figures go in bench/README.md, "Research: merging study exports".
set -euo pipefail
cd "$(dirname "$0")/.."
participants=${1:-1000}
events=${2:-10000}
work=${BENCH_DIR:-/tmp/digitus-bench-research}/p$participants-e$events
cargo build --release -q -p digitus-research
bin=target/release/digitus-research
study=research/sample-study.json
if [ ! -f "$work/in/.done" ]; then
  rm -rf "$work/in"
  echo "synth: $participants participants × $events events"
  /usr/bin/time -f "synth: %e s wall, %M KB peak" "$bin" synth --study "$study" --out "$work/in" --participants "$participants" --events "$events"
  touch "$work/in/.done"
fi
du -sh "$work/in" | awk '{print "input zips: " $1}'
rm -rf "$work/out"
/usr/bin/time -v "$bin" merge "$work/in" --study "$study" --out "$work/out" 2> "$work/time.txt" | head -3
grep -E "Elapsed \(wall|Maximum resident|User time|System time" "$work/time.txt"
du -sh "$work/out/parquet" "$work/out/labour.csv" | awk '{print $2 ": " $1}'
