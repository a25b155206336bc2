#!/usr/bin/env bash
# Re-measures every figure of the "light on every page" table (bench/README.md) in one run, after one build,
# each row side by side with its alternative on the same work: module sizes (and what each part weighs),
# the sensor's main-thread time per click and the heavy page's load with and without the extension,
# Digitus against Dexie (ingest, summary, export), the worker's cold start to the first recorded event, and
# classification (criterion, native). Output: build/bench-all.txt (DIGITUS_OUT honoured).
# Usage: bash bench/run-all.sh [events_for_storage=1000000] [runs=2]
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${DIGITUS_OUT:-$PWD}
export DIGITUS_OUT=$OUT
EVENTS=${1:-1000000}
RUNS=${2:-2}
mkdir -p "$OUT/build"
REPORT="$OUT/build/bench-all.txt"
: >"$REPORT"
section() { printf '\n## %s\n\n' "$*" | tee -a "$REPORT"; }
run() { echo "\$ $*" | tee -a "$REPORT"; "$@" 2>&1 | tee -a "$REPORT"; }

section "build (shipped module and bench module)"
run bash scripts/build.sh --bench
section "sizes"
{
  echo "background wasm: $(wc -c <"$OUT/build/pkg/digitus_bg.wasm") bytes raw, $(gzip -9c "$OUT/build/pkg/digitus_bg.wasm" | wc -c) gzipped"
  echo "wasm-bindgen glue digitus.js: $(wc -c <"$OUT/build/pkg/digitus.js") bytes"
  for f in extension/content/*.js; do echo "$f: $(wc -c <"$f") bytes raw, $(gzip -9c "$f" | wc -c) gzipped"; done
  sed -n '1,20p' "$OUT/build/size-report.txt"
} | tee -a "$REPORT"
section "worker cold start (Chromium, 8 runs)"
run node bench/browser/coldstart.mjs 8
section "sensor per click and heavy page load, with and without the extension (Chromium)"
run node bench/browser/detection.mjs 40 60
section "content scripts' CPU per click and per page load, by script and function (Chromium, sampled)"
run node bench/browser/sensor-profile.mjs 40
section "storage: Digitus and Dexie on the same events (Chromium, $EVENTS events, $RUNS runs)"
run node bench/browser/storage.mjs "$EVENTS" "$RUNS"
section "classification (native, criterion)"
run cargo bench --quiet --bench classify -- --warm-up-time 1 --measurement-time 3
for d in target/criterion/classify/*/; do
  [ -f "$d/new/estimates.json" ] || continue
  echo "$(basename "$d"): median $(python3 -c 'import json,sys; print(round(json.load(open(sys.argv[1]))["median"]["point_estimate"]), "ns")' "$d/new/estimates.json")" | tee -a "$REPORT"
done
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$REPORT"
