#!/usr/bin/env bash
# Renders a perfgate HTML page (a report or a history dashboard page) in headless Chromium
# (Debian's `chromium`) and checks what a reader sees, from the laid-out page:
#   - the page's own script ran (it marks <body data-rendered="yes">) without a script error;
#   - every chart (svg.chart) has a value axis whose label names its unit (data-unit);
#   - no element sticks out of the card (.card) that holds it: no clipped label, no chart wider
#     than its box;
#   - every per-round chart (svg.rounds) draws each side's rounds as points.
# A checker script is added to a copy of the page (the page itself is not trusted to report on
# itself); Chromium lays it out at 1280 px wide and the checker writes its findings into the DOM,
# which --dump-dom prints. Prints the findings as one JSON line; exit 1 when one fails.
#   scripts/check_html_report.sh PAGE.html [SCREENSHOT.png]
set -euo pipefail
page="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
shot="${2:-}"
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [ -z "$browser" ]; then echo "error: no chromium on PATH (apt-get install chromium)" >&2; exit 2; fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
copy="$work/$(basename "$page")"
checker='<script>
window.addEventListener("load", function () {
  var out = {rendered: document.body.getAttribute("data-rendered") === "yes", charts: 0, unlabelled: [], overflow: [],
             roundsCharts: 0, roundsWithoutPoints: [], cards: 0};
  document.querySelectorAll("svg.chart").forEach(function (svg, i) {
    out.charts++;
    var name = (svg.getAttribute("aria-label") || ("chart " + i));
    var axis = svg.querySelector(".value-axis");
    var label = axis && axis.querySelector(".axis-label");
    var unit = axis && axis.getAttribute("data-unit");
    if (!axis || !label || !unit || label.textContent.indexOf(unit) < 0) out.unlabelled.push(name);
    if (svg.classList.contains("rounds")) {
      out.roundsCharts++;
      var sides = {};
      svg.querySelectorAll("circle.round").forEach(function (c) { sides[c.getAttribute("data-side")] = true; });
      if (Object.keys(sides).length < 2) out.roundsWithoutPoints.push(name);
    }
  });
  document.querySelectorAll(".card").forEach(function (card) {
    out.cards++;
    var box = card.getBoundingClientRect();
    card.querySelectorAll("*").forEach(function (el) {
      var r = el.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) return;
      if (r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 || r.bottom > box.bottom + 1) {
        if (out.overflow.length < 20) out.overflow.push((card.querySelector("figcaption") || card).textContent.slice(0, 80) + ": <" +
          el.tagName.toLowerCase() + "> " + (el.textContent || "").slice(0, 40));
      }
    });
  });
  var pre = document.createElement("pre");
  pre.id = "perfgate-layout-check";
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
});
</script>'
python3 - "$page" "$copy" "$checker" <<'PY'
import sys
source, target, checker = sys.argv[1:]
text = open(source, encoding="utf-8").read()
index = text.rfind("</body>")
if index < 0:
    sys.exit(f"error: {source} has no </body>: not a perfgate page?")
open(target, "w", encoding="utf-8").write(text[:index] + checker + text[index:])
PY
size="1280,2000"
flags=(--headless --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run --hide-scrollbars "--window-size=$size"
       --virtual-time-budget=5000)
"$browser" "${flags[@]}" --enable-logging=stderr --v=0 --dump-dom "file://$copy" > "$work/dom.html" 2> "$work/log" || true
if grep -qiE 'Uncaught|SyntaxError|ReferenceError|TypeError' "$work/log"; then
    echo "error: a script on the page failed:" >&2; grep -iE 'Uncaught|Error' "$work/log" | head -5 >&2; exit 1
fi
findings=$(python3 - "$work/dom.html" <<'PY'
import html, json, re, sys
dom = open(sys.argv[1], encoding="utf-8", errors="replace").read()
match = re.search(r'<pre id="perfgate-layout-check">(.*?)</pre>', dom, re.S)
if not match:
    print(json.dumps({"error": "the checker did not run: empty page or a script error"}))
    sys.exit(0)
print(html.unescape(match.group(1)))
PY
)
echo "$findings"
python3 - "$findings" <<'PY'
import json, sys
f = json.loads(sys.argv[1])
problems = []
if "error" in f: problems.append(f["error"])
else:
    if not f["rendered"]: problems.append("the page's own script did not run (no data-rendered mark)")
    if f["charts"] == 0: problems.append("no chart on the page")
    if f["unlabelled"]: problems.append(f"{len(f['unlabelled'])} chart(s) without a value axis labelled with its unit: {f['unlabelled'][:3]}")
    if f["overflow"]: problems.append(f"elements stick out of their card: {f['overflow'][:3]}")
    if f["roundsWithoutPoints"]: problems.append(f"per-round charts without both sides' points: {f['roundsWithoutPoints'][:3]}")
for p in problems: print("error: " + p, file=sys.stderr)
sys.exit(1 if problems else 0)
PY
if [ -n "$shot" ]; then
    "$browser" "${flags[@]}" --screenshot="$shot" "file://$page" >/dev/null 2>&1 || true
    [ -s "$shot" ] || { echo "error: no screenshot written" >&2; exit 1; }
fi
