#!/usr/bin/env bash
# Builds everything and runs the main job: the class server (crates/class) serving the labour lab (www/)
# and the live class board on http://localhost:8080, with the built extension ready to load; where a
# display exists, launches Chromium with the extension loaded.
# PORT (default 8080) and HOST (default 127.0.0.1; 0.0.0.0 to serve a classroom's network) may be set;
# any further arguments go to the server (digitus-class --help).
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${PORT:-8080}
HOST=${HOST:-127.0.0.1}
OUT=${DIGITUS_OUT:-$PWD}
bash scripts/setup.sh
bash scripts/build.sh
printf '\033[1;34m[demo]\033[0m cargo build --release -p digitus-class\n'
cargo build --quiet --release -p digitus-class --bin digitus-class
target=${CARGO_TARGET_DIR:-$PWD/target}
shown=$([ "$HOST" = "0.0.0.0" ] && (hostname -I 2>/dev/null | awk '{print $1}') || echo localhost)
cat <<MSG

Digitus is built.
  Chromium: open chrome://extensions, turn on Developer mode, "Load unpacked" → $OUT/dist/chromium
  Firefox:  open about:debugging#/runtime/this-firefox, "Load Temporary Add-on" → $OUT/dist/firefox/manifest.json
  Store-ready packages: dist/digitus-chromium.zip, dist/digitus-firefox.zip (SHA-256 sums at /download/SHA256SUMS)
  Labour lab (students): http://${shown:-localhost}:$PORT/
  Class board (teacher): http://${shown:-localhost}:$PORT/board        (Ctrl+C to stop)
MSG
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && command -v chromium >/dev/null; then
  profile=$(mktemp -d)
  chromium --user-data-dir="$profile" --no-first-run --disable-extensions-except="$OUT/dist/chromium" \
    --load-extension="$OUT/dist/chromium" "http://localhost:$PORT/" >/dev/null 2>&1 &
fi
exec "$target/release/digitus-class" --host "$HOST" --port "$PORT" --root "$PWD" --out "$OUT" "$@"
