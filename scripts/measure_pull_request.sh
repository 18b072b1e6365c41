#!/usr/bin/env bash
# The measuring half of the pull-request gate (.github/workflows/perf.yml, job `measure`): paired
# A/B rounds of the base commit and this checkout, saved for the trusted judge
# (.github/workflows/perf-judge.yml). This runs the pull request's own code, so nothing it prints
# is the verdict: the job summary says so, and the judge decides.
#
# Run it from the root of the checkout. Environment: BASE (the base commit), SHARD (i/N, default 1/1), PULL_REQUEST (its number),
# BUDGET (default 5m), PERFGATE_BIN (default .build/release/perfgate), OUT (default .perfgate/measurement).
set -euo pipefail
: "${BASE:?BASE must name the base commit of the pull request}"
shard="${SHARD:-1/1}"
out="${OUT:-.perfgate/measurement}"
bin="${PERFGATE_BIN:-.build/release/perfgate}"
git config --global --add safe.directory "$PWD" 2>/dev/null || true
rm -rf "$out"
mkdir -p "$out"
# Not GitHub Actions as far as perfgate knows: its annotations and job summary would present the
# measurer's verdict as the gate's.
status=0
GITHUB_ACTIONS=false "$bin" compare --against "$BASE" --scenario ci --budget "${BUDGET:-5m}" --shard "$shard" \
    --save-measurements "$out" --report-dir "$out/preliminary" --report-formats markdown,json --verbose || status=$?
case "$status" in
    0 | 1 | 4 | 5) ;;  # a verdict of some kind: the judge gives the real one
    *) echo "::error::the measurement failed (perfgate exit $status); see the log above"; exit "$status" ;;
esac
for file in base.json head.json; do
    [ -s "$out/$file" ] || { echo "::error::perfgate wrote no $out/$file"; exit 2; }
done
printf '%s\n' "${PULL_REQUEST:-}" > "$out/pull-request"
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
    {
        echo "### perfgate: measured shard $shard (paired A/B against ${BASE:0:12})"
        echo
        echo "The verdict comes from the **perf-judge** workflow, which judges these pairs with the base commit's"
        echo "code and configuration; it comments on the pull request and sets the \`perfgate\` status."
    } >> "$GITHUB_STEP_SUMMARY"
fi
