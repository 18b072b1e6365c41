#!/usr/bin/env bash
# Renders an HTML report in headless Chromium (Debian's `chromium`) and fails on a script error or
# an empty page: the report's inline script marks <body data-rendered="yes"> only when it ran, and
# the rendered DOM must hold the verdict and at least one SVG chart. Optionally saves a screenshot.
#   scripts/check_html_report.sh REPORT.html [SCREENSHOT.png]
set -euo pipefail
report="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
shot="${2:-}"
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [ -z "$browser" ]; then echo "error: no chromium on PATH (apt-get install chromium)" >&2; exit 2; fi
flags=(--headless --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run --virtual-time-budget=3000)
log=$(mktemp)
dom=$(mktemp)
trap 'rm -f "$log" "$dom"' EXIT
"$browser" "${flags[@]}" --enable-logging=stderr --v=0 --dump-dom "file://$report" > "$dom" 2> "$log" || true
if grep -qiE 'Uncaught|SyntaxError|ReferenceError|TypeError' "$log"; then
    echo "error: the report's script failed:" >&2; grep -iE 'Uncaught|Error' "$log" | head -5 >&2; exit 1
fi
grep -q 'data-rendered="yes"' "$dom" || { echo "error: the report's script did not run (no data-rendered mark)" >&2; exit 1; }
grep -q 'class="verdict"' "$dom" || { echo "error: the rendered page has no verdict: empty page?" >&2; exit 1; }
svgs=$(grep -o '<svg' "$dom" | wc -l)
[ "$svgs" -ge 1 ] || { echo "error: the rendered page has no SVG chart" >&2; exit 1; }
if [ -n "$shot" ]; then
    "$browser" "${flags[@]}" --window-size=1280,2200 --screenshot="$shot" "file://$report" >/dev/null 2>&1 || true
    [ -s "$shot" ] || { echo "error: no screenshot written" >&2; exit 1; }
fi
echo "html report ok: script ran, verdict present, $svgs SVG chart(s)${shot:+, screenshot $shot}"
