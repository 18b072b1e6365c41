#!/usr/bin/env bash
# Runs the pull-request gate locally, as GitHub would, without touching this clone (no notes are
# recorded, nothing is checked out here; the work happens in temporary clones under OUTDIR).
#
#   scripts/simulate_action.sh [workflow] [OUTDIR]   # the real path (default): perf.yml's `measure`
#       job in a clone of HEAD (paired A/B against BASE, default HEAD~1, saved with
#       --save-measurements), then perf-judge.yml's `judge` job in a clone of BASE with perfgate
#       built from BASE, then its `publish` step with DRY_RUN=1 (prints the comment and status
#       it would post). Prints each stage's wall time.
#   scripts/simulate_action.sh action [OUTDIR]      # the composite action's gate step alone
#       (scripts/action_gate.sh) in this repository, INPUT_MODE=baseline by default.
#
# Environment: BASE; BUDGET (the measurement's, default 5m); SHARDS (default 1: the measurement
# split into that many shards, run one after another); PERFGATE_BIN (the measuring binary, default:
# built in the clone); PERFGATE_JUDGE_BIN (the judging binary, default: built from BASE);
# PERFGATE_MEASURE_ARGS (extra arguments for the measurement, e.g. --filter GLOB); for `action`:
# INPUT_* as the action's inputs and PERFGATE_EXTRA_ARGS.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
mode=workflow
case "${1:-}" in workflow | action) mode=$1; shift ;; esac
out="${1:-$(mktemp -d)}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
head=$(git rev-parse HEAD)
base=$(git rev-parse "${BASE:-HEAD~1}" 2>/dev/null || echo "$head")
repo=$(git rev-parse --show-toplevel)
: > "$out/summary.md"
: > "$out/output.txt"
export GITHUB_STEP_SUMMARY="$out/summary.md" GITHUB_OUTPUT="$out/output.txt" RUNNER_TEMP="$out"

if [ "$mode" = action ]; then
    if [ -z "${PERFGATE_BIN:-}" ]; then
        swift build -c release --product perfgate --package-path "$here/.." >/dev/null
        PERFGATE_BIN="$here/../.build/release/perfgate"
    fi
    printf '{"pull_request": {"number": 1, "head": {"sha": "%s", "ref": "feature"}, "base": {"sha": "%s", "ref": "main"}}}\n' \
        "$head" "$base" > "$out/event.json"
    export GITHUB_ACTIONS=true GITHUB_EVENT_NAME=pull_request GITHUB_EVENT_PATH="$out/event.json" GITHUB_HEAD_REF=feature \
        GITHUB_BASE_REF=main PERFGATE_BIN PERFGATE_REPORT_DIR="$out/reports"
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
fi

clock() { date +%s; }
# One clone per job, as each job's checkout is; the measured clone carries the work tree's commit.
rm -rf "$out/measure" "$out/judge"
git clone -q --no-local "$repo" "$out/measure"
git -C "$out/measure" checkout -q "$head"
git clone -q --no-local "$repo" "$out/judge"
git -C "$out/judge" checkout -q "$base"

echo "== measure (perf.yml, the pull request's code): paired A/B of ${base:0:12} and ${head:0:12}"
started=$(clock)
measure_bin="${PERFGATE_BIN:-}"
if [ -z "$measure_bin" ]; then
    swift build -c release --product perfgate --package-path "$out/measure" 2>&1 | tail -1
    measure_bin="$out/measure/.build/release/perfgate"
fi
built=$(clock)
shards="${SHARDS:-1}"
read -r -a measure_args <<< "${PERFGATE_MEASURE_ARGS:-}"
mkdir -p "$out/measurements"
for i in $(seq 1 "$shards"); do
    (cd "$out/measure" && GITHUB_ACTIONS=false "$measure_bin" compare --against "$base" --scenario "${SCENARIO:-ci}" \
        --budget "${BUDGET:-5m}" --shard "$i/$shards" --save-measurements "$out/measurements/shard-$i" "${measure_args[@]}" \
        --format markdown --output "$out/measurements/shard-$i.preliminary.md") || true
done
measured=$(clock)

echo "== judge (perf-judge.yml, the base commit's code)"
judge_bin="${PERFGATE_JUDGE_BIN:-}"
if [ -z "$judge_bin" ]; then
    swift build -c release --product perfgate --package-path "$out/judge" 2>&1 | tail -1
    judge_bin="$out/judge/.build/release/perfgate"
fi
judge_built=$(clock)
code=0
(cd "$out/judge" && GITHUB_ACTIONS=true PERFGATE_BIN="$judge_bin" MEASUREMENTS="$out/measurements" BASE="$base" HEAD="$head" \
    "$here/judge_pull_request.sh") || code=$?
[ -d "$out/judge/reports" ] && cp -r "$out/judge/reports" "$out/"
judged=$(clock)

echo "== publish (perf-judge.yml, dry run)"
verdict=$(sed -n 's/^verdict=//p' "$out/output.txt" | tail -1)
exit_code=$(sed -n 's/^exit-code=//p' "$out/output.txt" | tail -1)
DRY_RUN=1 GITHUB_REPOSITORY=local/simulation NUMBER=1 HEAD="$head" VERDICT="$verdict" EXIT_CODE="$exit_code" \
    RUN_URL="file://$out/reports/report.html" REPORT="$out/reports/report.md" "$here/publish_verdict.sh" 2>&1 | cut -c1-200

echo "--- verdict: ${verdict:-none} (exit $code)"
echo "--- wall time: measure build $((built - started)) s, measurement $((measured - built)) s, judge build $((judge_built - measured)) s, judging $((judged - judge_built)) s"
echo "--- step outputs: $out/output.txt; job summary: $out/summary.md; reports: $out/reports"
exit "$code"
