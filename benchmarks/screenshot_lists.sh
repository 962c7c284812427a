#!/usr/bin/env bash
# Render each team's HTML list of the latest demo run in a real headless Chromium and save a
# screenshot next to it (<team>.png). Needs Debian's chromium: apt-get install -y chromium
# Usage: bash benchmarks/screenshot_lists.sh [working folder, default data]
set -euo pipefail
HOME_DIR="${1:-data}"
CHROME="$(command -v chromium || command -v chromium-browser || true)"
if [ -z "$CHROME" ]; then echo "chromium not found: apt-get install -y chromium" >&2; exit 2; fi
latest="$(ls -1d "$HOME_DIR"/exports/*/ | sort | tail -1)"
for page in "$latest"*.html; do
  png="${page%.html}.png"
  "$CHROME" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$(mktemp -d)" --window-size=1200,1600 --hide-scrollbars \
    --screenshot="$png" "file://$(realpath "$page")" >/dev/null 2>&1
  echo "$png"
done
