#!/usr/bin/env bash
# Runs the composite action's gate step (scripts/action_gate.sh) locally, in the current git
# repository, with a simulated GitHub Actions pull_request environment: an event file naming the
# PR's head (HEAD) and base (HEAD~1), a step-summary file and an output file. Prints the outputs
# and where the summary and reports are.
#
#   scripts/simulate_action.sh [OUTDIR]
#
# Environment: PERFGATE_BIN (default: build .build/release/perfgate), INPUT_* as the action's
# inputs (INPUT_MODE=baseline by default here), PERFGATE_EXTRA_ARGS for extra perfgate arguments.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${1:-$(mktemp -d)}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
if [ -z "${PERFGATE_BIN:-}" ]; then
    swift build -c release --product perfgate --package-path "$here/.." >/dev/null
    PERFGATE_BIN="$here/../.build/release/perfgate"
fi
head=$(git rev-parse HEAD)
base=$(git rev-parse HEAD~1 2>/dev/null || echo "$head")
printf '{"pull_request": {"number": 1, "head": {"sha": "%s", "ref": "feature"}, "base": {"sha": "%s", "ref": "main"}}}\n' "$head" "$base" > "$out/event.json"
: > "$out/summary.md"
: > "$out/output.txt"
export GITHUB_ACTIONS=true GITHUB_EVENT_NAME=pull_request GITHUB_EVENT_PATH="$out/event.json" \
    GITHUB_STEP_SUMMARY="$out/summary.md" GITHUB_OUTPUT="$out/output.txt" GITHUB_HEAD_REF=feature GITHUB_BASE_REF=main \
    RUNNER_TEMP="$out" PERFGATE_BIN PERFGATE_REPORT_DIR="$out/reports"
export INPUT_SCENARIO="${INPUT_SCENARIO:-ci}" INPUT_MODE="${INPUT_MODE:-baseline}" INPUT_AGAINST="${INPUT_AGAINST:-$base}" \
    INPUT_REPORT_FORMATS="${INPUT_REPORT_FORMATS:-markdown,html,json,junit}"
set +e
"$here/action_gate.sh"
code=$?
set -e
echo "--- exit code: $code"
echo "--- step outputs ($out/output.txt):"
cat "$out/output.txt"
echo "--- job summary: $out/summary.md ($(wc -l < "$out/summary.md") lines); reports: $out/reports"
exit "$code"
