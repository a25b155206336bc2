#!/usr/bin/env bash
# Builds the Rust core to wasm and derives the Chromium and Firefox packages from manifest.json:
#   dist/chromium/, dist/firefox/, dist/digitus-chromium.zip, dist/digitus-firefox.zip
set -euo pipefail
cd "$(dirname "$0")/.."
# DIGITUS_OUT moves build/ and dist/ elsewhere (parallel work on one checkout); default: the checkout.
OUT=${DIGITUS_OUT:-$PWD}
export DIGITUS_OUT=$OUT
log() { printf '\033[1;34m[build]\033[0m %s\n' "$*"; }

bindgen_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
cli_version=$(wasm-bindgen --version | awk '{print $2}')
if [ "$cli_version" != "$bindgen_version" ]; then
  echo "wasm-bindgen-cli is $cli_version but Cargo.lock has wasm-bindgen $bindgen_version: run scripts/setup.sh" >&2
  exit 1
fi

log "cargo build --release --target wasm32-unknown-unknown"
cargo build --quiet --release --lib --target wasm32-unknown-unknown
rm -rf "$OUT/build/pkg" && mkdir -p "$OUT/build/pkg"
# wasm-opt runs before wasm-bindgen: Debian's binaryen 108 breaks the externref table that wasm-bindgen
# 0.2.130 adds ("WebAssembly.Table.set(): Argument 1 is invalid" at start), but optimises rustc's output well.
log "wasm-opt -Oz"
wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals \
  --enable-reference-types --enable-multivalue \
  target/wasm32-unknown-unknown/release/digitus.wasm -o "$OUT/build/digitus.opt.wasm"
wasm-bindgen --target web --no-typescript --out-name digitus --out-dir "$OUT/build/pkg" "$OUT/build/digitus.opt.wasm"
python3 scripts/package.py
