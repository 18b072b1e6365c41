#!/usr/bin/env bash
# The judging half of the pull-request gate (.github/workflows/perf-judge.yml, job `judge`), run
# in a checkout of the base commit with perfgate built from it: `perfgate judge` validates the
# measurement the pull request's job uploaded (under measurements/, one directory per shard) and
# gives the verdict. When there is no verdict to give — the measurement failed, or is not one the
# judge accepts (exit 2) — the step outputs and reports/report.md still say why.
#
# Run it from the root of the checkout. Environment: BASE and HEAD (the pull request's commits), MEASURED (the measuring run's
# conclusion), PERFGATE_BIN (default .build/release/perfgate), MEASUREMENTS (default measurements).
set -euo pipefail
: "${BASE:?BASE must name the base commit}" "${HEAD:?HEAD must name the head commit}"
bin="${PERFGATE_BIN:-.build/release/perfgate}"
measurements="${MEASUREMENTS:-measurements}"
mkdir -p reports
git config --global --add safe.directory "$PWD" 2>/dev/null || true

# No verdict: say why in the outputs, the job summary and the report the comment is made from.
no_verdict() {
    local verdict=$1 code=$2 why=$3
    {
        echo "## ⚠️ perfgate: no verdict ($verdict)"
        echo
        echo "$why"
    } > reports/report.md
    if [ -n "${GITHUB_OUTPUT:-}" ]; then printf 'verdict=%s\nexit-code=%s\n' "$verdict" "$code" >> "$GITHUB_OUTPUT"; fi
    if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then cat reports/report.md >> "$GITHUB_STEP_SUMMARY"; fi
    echo "::error title=perfgate::$why"
    exit "$code"
}

if [ "${MEASURED:-success}" != success ]; then
    no_verdict measurement-failed 2 "The measuring workflow ended '${MEASURED}', so there is nothing to judge: open its log, fix what failed, and push again."
fi
dirs=()
for dir in "$measurements"/*/; do [ -f "$dir/base.json" ] && dirs+=("${dir%/}"); done
if [ "${#dirs[@]}" -eq 0 ]; then
    no_verdict no-measurement 2 "The measuring workflow uploaded no measurement (no base.json and head.json under $measurements/)."
fi
status=0
"$bin" judge "${dirs[@]}" --base "$BASE" --head "$HEAD" --report-dir reports --report-formats markdown,html,json,junit \
    2> >(tee reports/stderr.txt >&2) || status=$?
wait
if [ "$status" -eq 2 ]; then
    no_verdict invalid-measurement 2 "The judge refused the measurement: $(tail -n 5 reports/stderr.txt)"
fi
exit "$status"
