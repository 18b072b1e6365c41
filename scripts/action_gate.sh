#!/usr/bin/env bash
# The gate step of the composite action .github/actions/perfgate, as a script so that the action
# and scripts/simulate_action.sh run exactly the same thing. Reads the action's inputs from INPUT_*
# variables (set through `env:` in action.yml, never interpolated into the script) and runs
# perfgate, which writes the job summary, annotations and step outputs itself.
set -euo pipefail
perfgate="${PERFGATE_BIN:?PERFGATE_BIN must point at the perfgate binary}"
reports="${PERFGATE_REPORT_DIR:-${RUNNER_TEMP:-/tmp}/perfgate-reports}"
formats="${INPUT_REPORT_FORMATS:-markdown,html,json,junit}"
args=()
if [ -n "${INPUT_RESULTS:-}" ]; then
    # Another harness's results (hyperfine, google-benchmark, package-benchmark, criterion).
    args=(compare --current "$INPUT_RESULTS" --input-format "${INPUT_INPUT_FORMAT:-auto}")
    if [ -n "${INPUT_BASELINE:-}" ]; then args+=(--baseline "$INPUT_BASELINE"); fi
elif [ "${INPUT_MODE:-ab}" = "ab" ] && [ -n "${INPUT_AGAINST:-}" ]; then
    # Paired A/B rounds of the base revision and this one, on this runner.
    args=(compare --against "$INPUT_AGAINST" --scenario "${INPUT_SCENARIO:-ci}")
    if [ -n "${INPUT_BUDGET:-}" ]; then args+=(--budget "$INPUT_BUDGET"); fi
else
    # The stored-baseline screen, then paired confirmation of what it flags (against the baseline's commit).
    args=(check --scenario "${INPUT_SCENARIO:-ci}")
    if [ -n "${INPUT_AGAINST:-}" ]; then args+=(--base-ref "$INPUT_AGAINST"); fi
    if [ -n "${INPUT_BUDGET:-}" ]; then args+=(--confirm-budget "$INPUT_BUDGET"); fi
fi
if [ -n "${INPUT_BASELINE_PROFILE:-}" ]; then args+=(--profile "$INPUT_BASELINE_PROFILE"); fi
if [ -n "${INPUT_TOLERANCE:-}" ]; then args+=(--tolerance "$INPUT_TOLERANCE"); fi
if [ "${INPUT_FAIL_ON_IMPROVEMENT:-false}" = "true" ]; then args+=(--fail-on-improvement); fi
args+=(--report-dir "$reports" --report-formats "$formats")
# Extra arguments for local simulation and tests (space-separated, no quoting).
read -r -a extra <<< "${PERFGATE_EXTRA_ARGS:-}"
echo "perfgate ${args[*]} ${extra[*]}"
exec "$perfgate" "${args[@]}" "${extra[@]}"
