#!/usr/bin/env bash
# The gate step of the composite action .github/actions/perfgate, as a script so that the action
# and the tests run exactly the same thing. Reads the action's inputs from INPUT_* variables (set
# through `env:` in action.yml, never interpolated into the script) and runs perfgate, which writes
# the job summary, annotations and step outputs itself. When perfgate gives no verdict (bad input,
# exit 2), the outputs and the job summary still say why.
set -euo pipefail
perfgate="${PERFGATE_BIN:?PERFGATE_BIN must point at the perfgate binary}"
reports="${PERFGATE_REPORT_DIR:-${RUNNER_TEMP:-/tmp}/perfgate-reports}"
formats="${INPUT_REPORT_FORMATS:-markdown,html,json,junit}"
args=()
# No verdict: the step outputs, the job summary and one annotation say why.
no_verdict() {
    local code=$1 why=$2
    if [ -n "${GITHUB_OUTPUT:-}" ]; then printf 'verdict=error\nexit-code=%s\n' "$code" >> "$GITHUB_OUTPUT"; fi
    if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
        printf '## ⚠️ perfgate: no verdict\n\n%s\n' "$why" >> "$GITHUB_STEP_SUMMARY"
    fi
    echo "::error title=perfgate::$why"
    exit "$code"
}
if [ -z "${INPUT_RESULTS:-}" ] && [ "${INPUT_MODE:-ab}" = ab ] && [ -z "${INPUT_AGAINST:-}" ]; then
    no_verdict 2 "mode 'ab' needs 'against' (the pull request's base commit, e.g. \${{ github.event.pull_request.base.sha }}); or set mode: baseline to compare with the committed baseline"
fi
case "${INPUT_MODE:-ab}" in ab | baseline) ;; *) no_verdict 2 "mode '${INPUT_MODE}' is not one of ab, baseline" ;; esac
if [ -n "${INPUT_RESULTS:-}" ]; then
    # Another harness's results (hyperfine, google-benchmark, package-benchmark, criterion).
    args=(compare --current "$INPUT_RESULTS" --input-format "${INPUT_INPUT_FORMAT:-auto}")
    if [ -n "${INPUT_BASELINE:-}" ]; then args+=(--baseline "$INPUT_BASELINE"); fi
elif [ "${INPUT_MODE:-ab}" = "ab" ]; then
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
if [ "${INPUT_STRICT:-false}" = "true" ]; then args+=(--strict); fi
if [ "${INPUT_ALLOW_MISSING_BASELINE:-false}" = "true" ]; then args+=(--allow-missing-baseline); fi
args+=(--report-dir "$reports" --report-formats "$formats")
# Extra arguments for local simulation and tests (space-separated, no quoting).
read -r -a extra <<< "${PERFGATE_EXTRA_ARGS:-}"
echo "perfgate ${args[*]} ${extra[*]}"
mkdir -p "$reports"
status=0
"$perfgate" "${args[@]}" "${extra[@]}" 2> >(tee "$reports/stderr.txt" >&2) || status=$?
wait
# perfgate writes the outputs itself whenever it reached a verdict; exit 2 means it did not.
if [ "$status" -eq 2 ]; then
    no_verdict 2 "perfgate could not give a verdict: $(tail -n 3 "$reports/stderr.txt")"
fi
exit "$status"
