#!/usr/bin/env bash
# Builds the Rust core to wasm and derives the Chromium and Firefox packages from manifest.json:
#   dist/chromium/, dist/firefox/, dist/digitus-chromium.zip, dist/digitus-firefox.zip
# With --bench it also builds the benchmark module (cargo feature "bench") into build/pkg-bench/, which
# bench/browser/ overlays on a copy of the package; the shipped package never carries it.
# The shipped module's weight, part by part (twiggy), goes to build/size-report.txt, and the build fails when
# the gzipped module passes the budget below (raise it only with a reason in bench/README.md).
WASM_BUDGET_GZIP=${DIGITUS_WASM_BUDGET:-361500}
# The pages module (the background starts it only when an extension page asks; the options page and the
# classroom lab load it too) has its own budget.
PAGES_BUDGET_GZIP=${DIGITUS_PAGES_BUDGET:-521500}
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

# Builds crates/web (the glue around the pure core) with the given cargo features and turns it into
# build/<dir>/<name>{.js,_bg.wasm} (build/<name>.opt.wasm keeps the names, for the size report).
build_module() {
  local dir=$1 name=$2; shift 2
  log "cargo build -p digitus-web --release --target wasm32-unknown-unknown $*"
  cargo build --quiet --release -p digitus-web --lib --target wasm32-unknown-unknown "$@"
  mkdir -p "$OUT/build/$dir"
  # wasm-opt runs before wasm-bindgen: Debian's binaryen 108 breaks the externref table that wasm-bindgen
  # 0.2.130 adds ("WebAssembly.Table.set(): Argument 1 is invalid" at start), but optimises rustc's output well.
  # --converge runs -Oz again until the module stops shrinking: 2.5 KB less gzipped for about 5 s more.
  log "wasm-opt -Oz --converge ($name)"
  wasm-opt -Oz --converge --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals \
    --enable-reference-types --enable-multivalue \
    -g target/wasm32-unknown-unknown/release/digitus_web.wasm -o "$OUT/build/$name.opt.wasm"
  # -g keeps function names for the size report; the shipped module drops them.
  wasm-bindgen --target web --no-typescript --remove-name-section --out-name "$name" --out-dir "$OUT/build/$dir" "$OUT/build/$name.opt.wasm"
}

# What each part of the shipped module weighs: the same module with names, read by twiggy, summed by crate.
size_report() {
  local named="$OUT/build/size-named"
  rm -rf "$named"
  wasm-bindgen --target web --no-typescript --out-name digitus --out-dir "$named" "$OUT/build/digitus.opt.wasm"
  local shipped="$OUT/build/pkg/digitus_bg.wasm"
  local pages="$OUT/build/pkg/pages_bg.wasm"
  local raw gz pages_gz
  raw=$(wc -c <"$shipped")
  gz=$(gzip -9c "$shipped" | wc -c)
  pages_gz=$(gzip -9c "$pages" | wc -c)
  {
    echo "Background module build/pkg/digitus_bg.wasm: $raw bytes, $gz gzipped (gzip -9); budget $WASM_BUDGET_GZIP gzipped."
    echo "Pages module build/pkg/pages_bg.wasm (started by the background when a page asks; options page, classroom lab): $(wc -c <"$pages") bytes, $pages_gz gzipped; budget $PAGES_BUDGET_GZIP gzipped."
    echo "Public Suffix List: $(grep -m1 '^// VERSION:' data/psl/public_suffix_list.dat)"
    echo
    twiggy top -n 100000 -f csv "$named/digitus_bg.wasm" | python3 scripts/size-by-crate.py
    echo
    echo "Largest items (twiggy top -n 40):"
    twiggy top -n 40 "$named/digitus_bg.wasm"
  } >"$OUT/build/size-report.txt"
  rm -rf "$named"
  log "background module size: $raw bytes, $gz gzipped (budget $WASM_BUDGET_GZIP); parts in build/size-report.txt"
  if [ "$gz" -gt "$WASM_BUDGET_GZIP" ]; then
    echo "the background module is $gz bytes gzipped, over the budget of $WASM_BUDGET_GZIP: see build/size-report.txt" >&2
    exit 1
  fi
  log "pages module size: $(wc -c <"$pages") bytes, $pages_gz gzipped (budget $PAGES_BUDGET_GZIP)"
  if [ "$pages_gz" -gt "$PAGES_BUDGET_GZIP" ]; then
    echo "the pages module is $pages_gz bytes gzipped, over the budget of $PAGES_BUDGET_GZIP" >&2
    exit 1
  fi
}

# The toolbar and store icons: PNGs rendered from the SVG sources (the 16 px cut has its own drawing).
build_icons() {
  command -v rsvg-convert >/dev/null || { echo "rsvg-convert is missing: run scripts/setup.sh" >&2; exit 1; }
  rm -rf "$OUT/build/icons" && mkdir -p "$OUT/build/icons"
  rsvg-convert -w 16 -h 16 extension/icons/digitus-16.svg -o "$OUT/build/icons/16.png"
  for size in 32 48 128; do
    rsvg-convert -w "$size" -h "$size" extension/icons/digitus.svg -o "$OUT/build/icons/$size.png"
  done
  log "icons 16, 32, 48, 128 px"
}

if [ "${1:-}" = "--bench" ]; then
  # One module with every export, under both names, so bench pages overlay it on a copy of the package.
  rm -rf "$OUT/build/pkg-bench"
  build_module pkg-bench digitus --features bench
  wasm-bindgen --target web --no-typescript --remove-name-section --out-name pages --out-dir "$OUT/build/pkg-bench" "$OUT/build/digitus.opt.wasm"
fi
rm -rf "$OUT/build/pkg"
# The background's recording module (handle_message) and the pages module, side by side in build/pkg/.
build_module pkg pages --no-default-features --features pages
build_module pkg digitus --no-default-features --features background
build_icons
if command -v twiggy >/dev/null; then
  size_report
else
  echo "twiggy is missing (scripts/setup.sh installs it): no size report" >&2
  exit 1
fi
python3 scripts/package.py
