#!/usr/bin/env bash
# Installs what building (and, with --test, testing) Digitus needs, skipping what is already there.
# Debian, root. Usage: scripts/setup.sh [--test]
set -euo pipefail
cd "$(dirname "$0")/.."
want_test=${1:-}
log() { printf '\033[1;34m[setup]\033[0m %s\n' "$*"; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

apt_updated=
apt_need() {
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ -z "$apt_updated" ]; then log "apt-get update"; as_root apt-get update -qq; apt_updated=1; fi
  log "apt-get install ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# Rust target for the background module.
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "rustup target add wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

# wasm-bindgen-cli must be exactly the version of the wasm-bindgen crate in Cargo.lock.
bindgen_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$bindgen_version" ]; then
  log "cargo install wasm-bindgen-cli $bindgen_version (a few minutes, once)"
  cargo install -q wasm-bindgen-cli --version "$bindgen_version" --force
fi

# twiggy tells what each part of the module weighs (build/size-report.txt, written by scripts/build.sh).
if [ "$(twiggy --version 2>/dev/null | awk '{print $2}')" != "0.8.0" ]; then
  log "cargo install twiggy 0.8.0 (a few minutes, once)"
  cargo install -q twiggy --version 0.8.0 --locked --force
fi

# wasm-opt (binaryen) shrinks the module; chromium is also the demo's browser; rsvg-convert (librsvg2-bin)
# renders the icons from their SVG sources.
apt_need binaryen chromium librsvg2-bin

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi

if [ "$want_test" = "--test" ]; then
  # firefox-esr-l10n-fr and chromium-l10n: the browsers' French language packs, for the French end-to-end
  # tests (without chromium-l10n, Chromium's UI stays en-US whatever --lang says, and only Playwright's
  # per-page locale override, which can come after an extension page's first script, made pages French).
  apt_need chromium-driver chromium-l10n firefox-esr firefox-esr-l10n-fr
  if ! command -v geckodriver >/dev/null || [ "$(geckodriver --version | awk 'NR==1{print $2}')" != "0.37.1" ]; then
    log "cargo install geckodriver 0.37.1 (a few minutes, once)"
    cargo install -q geckodriver --version 0.37.1 --force
  fi
  # Research tier: DuckDB, PySpark (local mode, on Debian's JRE) and frictionless in a venv under build/,
  # so the system Python stays untouched (Debian marks it externally managed). Versions pinned.
  apt_need default-jre-headless python3-venv
  venv=${DIGITUS_OUT:-$PWD}/build/research-venv
  research_pins="duckdb==2.0.1 pyspark==4.3.0 frictionless==5.21.0 pytest==9.2.0"
  if [ ! -f "$venv/.pins" ] || [ "$(cat "$venv/.pins")" != "$research_pins" ]; then
    log "python venv for the research tests ($research_pins)"
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q --disable-pip-version-check $research_pins
    echo "$research_pins" > "$venv/.pins"
  fi
fi
log "ready"
