#!/usr/bin/env bash
# Builds everything and runs the main job: serves the classroom demo (www/) on http://localhost:8080 with
# the built extension ready to load; where a display exists, launches Chromium with the extension loaded.
# PORT (default 8080) and HOST (default 127.0.0.1; 0.0.0.0 to serve a classroom's network) may be set.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${PORT:-8080}
bash scripts/setup.sh
bash scripts/build.sh
cat <<MSG

Digitus is built.
  Chromium: open chrome://extensions, turn on Developer mode, "Load unpacked" → $PWD/dist/chromium
  Firefox:  open about:debugging#/runtime/this-firefox, "Load Temporary Add-on" → $PWD/dist/firefox/manifest.json
  Store-ready packages: dist/digitus-chromium.zip, dist/digitus-firefox.zip
  Classroom demo: http://localhost:$PORT/   (Ctrl+C to stop)
MSG
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && command -v chromium >/dev/null; then
  profile=$(mktemp -d)
  chromium --user-data-dir="$profile" --no-first-run --disable-extensions-except="$PWD/dist/chromium" \
    --load-extension="$PWD/dist/chromium" "http://localhost:$PORT/" >/dev/null 2>&1 &
fi
exec node www/serve.mjs "$PORT" "${HOST:-127.0.0.1}"
