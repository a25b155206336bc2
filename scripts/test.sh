#!/usr/bin/env bash
# Runs every test tier (see tests/README.md), after installing what is missing and building both packages.
#   tier 1  native Rust: cargo test (core, rules, ledger, backup parser incl. a bounded fuzz run)
#   tier 2  wasm-bindgen-test: the IndexedDB glue in headless Chromium and headless Firefox
#   lint    web-ext lint of the Firefox package (errors fail the run)
#   research DuckDB and Spark (local mode) read the merged Parquet dataset, frictionless validates (pytest)
#   tier 3  end to end: the built extension in headless Chromium and Firefox, trusted clicks on fixture pages
# Ends with one line "total: N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")/.."
step() { printf '\n\033[1;35m==> %s\033[0m\n' "$*"; }
LOGS=${DIGITUS_OUT:-$PWD}/build/test-logs
passed=0
failed=0
failures=()

bash scripts/setup.sh --test || exit 1
bash scripts/build.sh || exit 1
mkdir -p "$LOGS"

# Adds a cargo test log's "N passed; M failed" lines to the totals.
count_cargo() {
  local p f
  p=$(grep -Eo 'test result: [a-zA-Z]+\. [0-9]+ passed' "$1" | awk '{s+=$4} END {print s+0}')
  f=$(grep -Eo '[0-9]+ failed' "$1" | awk '{s+=$1} END {print s+0}')
  passed=$((passed + p)); failed=$((failed + f))
}

run_cargo() {
  local name=$1; shift
  step "$name"
  if "$@" 2>&1 | tee "$LOGS/$name.log"; then :; else failures+=("$name"); fi
  count_cargo "$LOGS/$name.log"
  if ! grep -q 'test result' "$LOGS/$name.log"; then failures+=("$name (did not run)"); failed=$((failed + 1)); fi
}

# The workspace's native crates (default-members: the core, the research tool, the class server).
run_cargo tier1-native cargo test --quiet

wasm_tests=()
for f in crates/web/tests/web*.rs; do wasm_tests+=(--test "$(basename "$f" .rs)"); done
run_cargo tier2-chromium env CHROMEDRIVER=/usr/bin/chromedriver cargo test -p digitus-web --target wasm32-unknown-unknown "${wasm_tests[@]}"
run_cargo tier2-firefox env GECKODRIVER="$(command -v geckodriver || echo "$HOME/.cargo/bin/geckodriver")" cargo test -p digitus-web --target wasm32-unknown-unknown "${wasm_tests[@]}"

# Research tier: the merged study read as is by DuckDB and Spark (local mode), frictionless validate.
step "research: DuckDB, Spark and frictionless on merged studies (pytest)"
research_log="$LOGS/research-python.log"
"${DIGITUS_OUT:-$PWD}/build/research-venv/bin/python" -m pytest -q -p no:cacheprovider research/tests 2>&1 | tee "$research_log"
p=$(grep -Eo '[0-9]+ passed' "$research_log" | tail -1 | awk '{print $1}')
f=$(grep -Eo '[0-9]+ (failed|error)' "$research_log" | awk '{s+=$1} END {print s+0}')
passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
if [ -z "$p" ] || [ "${f:-0}" != 0 ]; then failures+=("research-python"); [ -z "$p" ] && [ "${f:-0}" = 0 ] && failed=$((failed + 1)); fi

step "lint: web-ext lint dist/firefox"
lint_json=$(npx --no-install web-ext lint --source-dir "${DIGITUS_OUT:-$PWD}/dist/firefox" --output json 2>/dev/null)
lint_errors=$(printf '%s' "$lint_json" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const r=JSON.parse(s);for(const k of ["errors","warnings"])for(const m of r[k])console.error(`${k}: ${m.code} ${m.message} (${m.file})`);console.log(r.errors.length)})')
echo "web-ext lint: ${lint_errors:-?} errors"
if [ "${lint_errors:-1}" = 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); failures+=("web-ext lint"); fi

step "tier 3: end to end in Chromium and Firefox"
node --test --test-concurrency=1 --test-reporter=spec tests/e2e/*.test.mjs 2>&1 | tee "$LOGS/tier3-e2e.log"
e2e_status=${PIPESTATUS[0]}
p=$(grep -Eo '^ℹ pass [0-9]+' "$LOGS/tier3-e2e.log" | awk '{print $3}' | tail -1)
f=$(grep -Eo '^ℹ fail [0-9]+' "$LOGS/tier3-e2e.log" | awk '{print $3}' | tail -1)
passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
if [ "$e2e_status" != 0 ] || [ -z "$p" ]; then failures+=("tier3-e2e"); [ "${f:-0}" = 0 ] && failed=$((failed + 1)); fi

step "result"
[ ${#failures[@]} -gt 0 ] && printf 'failed steps: %s\n' "${failures[*]}"
echo "logs: $LOGS"
echo "total: $passed passed, $failed failed"
[ "$failed" = 0 ] && [ ${#failures[@]} = 0 ]
