#!/usr/bin/env bash
# Render the report pages (manager notebooks of the latest period, year plans, open pages) in a real
# headless Chromium and save a screenshot next to each page (<page>.png). Needs Debian's chromium:
# apt-get install -y chromium. Network is off for the browser, so a page that needed the internet
# would show it. Usage: bash benchmarks/screenshot_reports.sh [working folder, default data]
set -euo pipefail
HOME_DIR="${1:-data}"
CHROME="$(command -v chromium || command -v chromium-browser || true)"
if [ -z "$CHROME" ]; then echo "chromium not found: apt-get install -y chromium" >&2; exit 2; fi
latest="$(ls -1d "$HOME_DIR"/reports/*-W*/ 2>/dev/null | sort | tail -1 || true)"
pages=()
[ -n "$latest" ] && pages+=("$latest"*.html)
[ -d "$HOME_DIR/reports/jaarplan" ] && while IFS= read -r p; do pages+=("$p"); done < <(find "$HOME_DIR/reports/jaarplan" -name '*.html' | sort)
[ -d "$HOME_DIR/reports/open" ] && pages+=("$HOME_DIR"/reports/open/*.html)
if [ ${#pages[@]} -eq 0 ]; then echo "no report pages in $HOME_DIR/reports: run wijkradar report first" >&2; exit 2; fi
for page in "${pages[@]}"; do
  png="${page%.html}.png"
  "$CHROME" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --proxy-server=127.0.0.1:9 --proxy-bypass-list='<-loopback>' \
    --user-data-dir="$(mktemp -d)" --window-size=1200,2400 --hide-scrollbars \
    --screenshot="$png" "file://$(realpath "$page")" >/dev/null 2>&1
  echo "$png"
done
