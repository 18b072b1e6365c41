#!/usr/bin/env bash
# The main job's error rates from whole, independent runs, as users meet them (not resampled):
# every run is a fresh `perfgate check` (release build, ci scenario, stored-baseline screen, paired
# confirmation of what it flags) on unchanged code, on a quiet machine and under load; then runs
# with a slowdown injected into one benchmark through the harness hook. Long: about 4 minutes a
# run, more when something is flagged (the first confirmation also builds the baseline's commit).
#
#   scripts/gate_sessions.sh baseline [SESSIONS]   # SESSIONS (default 3) ci runs at HEAD, merged into
#                                                  # baselines/<profile>/ci.json, committed in this clone
#   scripts/gate_sessions.sh runs [QUIET] [CPU] [IO] [INJECTED] [PERCENTS]
#       QUIET (default 8) runs with nothing else running, CPU (8) while `stress-ng --cpu 1` keeps
#       one core busy, IO (8) while `stress-ng --hdd 1` writes and syncs to the same disk, and
#       INJECTED (10) runs per slowdown in PERCENTS (default "10 5") injected into
#       $TARGET (default wal.append.batch/64B/batch=1000).
#
# Run it in a clean clone (it commits the baseline there). Raw outcomes are appended to
# .perfgate/sessions/runs.tsv (so several invocations add up), one line per run: condition, run,
# exit status, wall seconds, the screen's flagged metrics, what the confirmation confirmed, the
# machine's measured shift, the load command and the commit measured; each run's reports stay in
# .perfgate/sessions/<condition>-<run>/. The suite's seeds are fixed (round r of every benchmark
# uses seed r), so a run is repeated by running the same command on the same commit.
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-runs}"
out=.perfgate/sessions
target="${TARGET:-wal.append.batch/64B/batch=1000}"
mkdir -p "$out"
PERFGATE_EXTRA_PACKAGES="stress-ng python3" scripts/install_deps.sh
swift build -c release --product perfgate 2>&1 | tail -1
bin="$PWD/.build/release/perfgate"

if [ "$mode" = baseline ]; then
    sessions="${2:-3}"
    from=()
    for i in $(seq 1 "$sessions"); do
        echo "== baseline session $i of $sessions"
        "$bin" run --scenario ci --output "$out/session-$i.json"
        from+=(--from "$out/session-$i.json")
    done
    "$bin" baseline update "${from[@]}" --reason "$sessions independent ci sessions of $(git rev-parse --short HEAD) (scripts/gate_sessions.sh)"
    git add baselines
    git commit -qm "perfgate: ci baseline of $sessions sessions (scripts/gate_sessions.sh baseline)"
    echo "baseline committed: $(git log --oneline -1)"
    exit 0
fi

quiet="${2:-8}"
cpu="${3:-8}"
io="${4:-8}"
injected="${5:-10}"
percents="${6:-10 5}"
if [ ! -s "$out/runs.tsv" ]; then
    echo -e "condition\trun\texit\tseconds\tflagged_by_screen\tconfirmed\tmachine_shift\tload\tcommit" > "$out/runs.tsv"
fi
load_pid=""
load_command="none"
cpu_load=(stress-ng --cpu 1 --timeout 0)
io_load=(stress-ng --hdd 1 --hdd-bytes 256M --temp-path "$out" --timeout 0)
stop_load() { if [ -n "$load_pid" ]; then kill "$load_pid" 2>/dev/null || true; wait "$load_pid" 2>/dev/null || true; load_pid=""; fi; }
trap stop_load EXIT

# One `perfgate check`, its outcome summarised from the JSON report; runs are numbered on from
# the ones already in runs.tsv.
check() {
    local condition=$1 run
    run=$(( $(awk -F'\t' -v c="$condition" '$1 == c' "$out/runs.tsv" | wc -l) + 1 ))
    local dir="$out/$condition-$run"
    rm -rf "$dir"
    mkdir -p "$dir"
    local started status=0
    started=$(date +%s)
    "$bin" check --no-record --report-dir "$dir" --report-formats json,markdown > "$dir/stdout.txt" 2> "$dir/stderr.txt" || status=$?
    local seconds=$(( $(date +%s) - started ))
    python3 - "$dir/report.json" "$condition" "$run" "$status" "$seconds" "$load_command" "$(git rev-parse --short HEAD)" \
        >> "$out/runs.tsv" <<'PY'
import json, sys
path, condition, run, status, seconds, load, commit = sys.argv[1:]
try:
    report = json.load(open(path))
except Exception as error:
    print("\t".join([condition, run, status, seconds, f"(no report: {error})", "", "", load, commit]))
    sys.exit(0)
# A flagged metric carries the screen's verdict once the confirmation re-measured it; with no
# confirmation (unconfirmable), the screen's regressions are the flags.
flagged = [f"{c['benchmark']} {c['metric']}" for c in report["comparisons"]
           if "screen" in c or (c["verdict"] == "regressed" and c["kind"] == "timing")]
# Confirmed: regressed after the paired re-measurement ("screen" holds the first verdict). A
# regression the confirmation never re-measured keeps the screen's verdict and is not confirmed.
confirmed = [f"{c['benchmark']} {c['metric']}" for c in report["comparisons"] if c["verdict"] == "regressed" and "screen" in c]
shift = report.get("environment")
shift_text = f"{shift['slowdown'] * 100:+.1f} %" if shift else "none"
print("\t".join([condition, run, status, seconds, "; ".join(flagged) or "-", "; ".join(confirmed) or "-", shift_text, load, commit]))
PY
    tail -1 "$out/runs.tsv"
}

# Starts a load in the background for the runs that follow.
start_load() {
    "$@" > /dev/null 2>&1 &
    load_pid=$!
    load_command="$*"
}

for _ in $(seq 1 "$quiet"); do check quiet; done
if [ "$cpu" -gt 0 ]; then
    start_load "${cpu_load[@]}"
    for _ in $(seq 1 "$cpu"); do check cpu-load; done
    stop_load
    load_command="none"
fi
if [ "$io" -gt 0 ]; then
    start_load "${io_load[@]}"
    for _ in $(seq 1 "$io"); do check io-load; done
    stop_load
    load_command="none"
fi
for percent in $percents; do
    for _ in $(seq 1 "$injected"); do
        PERFGATE_INJECT_SLOWDOWN="$target=$percent" check "slowed-$percent%"
    done
done
echo
echo "== summary (red = exit 1, a confirmed regression or failed target; 5 = flags the confirmation could not settle)"
python3 - "$out/runs.tsv" "$target" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
target = sys.argv[2]
for condition in dict.fromkeys(r["condition"] for r in rows):
    runs = [r for r in rows if r["condition"] == condition]
    red = sum(r["exit"] == "1" for r in runs)
    unconfirmed = sum(r["exit"] == "5" for r in runs)
    flagged = sum(r["flagged_by_screen"] != "-" for r in runs)
    named = sum(target in r["confirmed"] for r in runs)
    seconds = sorted(int(r["seconds"]) for r in runs)
    line = f"{condition}: {len(runs)} runs, {red} red, {unconfirmed} unconfirmed (exit 5), {flagged} with screen flags"
    if condition.startswith("slowed"):
        line += f", {named} named {target}"
    line += f"; wall time median {seconds[len(seconds) // 2]} s, worst {seconds[-1]} s"
    print(line)
PY
