#!/usr/bin/env bash
# How much a competing process moves wall time and processor time (cpu_per_op) of the suite's
# benchmarks: the quick scenario once on a quiet machine and once while `stress-ng --cpu N` keeps
# every core busy, the same commit, the same seeds, back to back. Prints, per benchmark, the change of
# its wall-clock cost per operation (`amortized`, or the mean latency) and of its processor time per
# operation, and the median of each over the benchmarks. Raw results in .perfgate/sensitivity/.
#
#   scripts/cpu_time_sensitivity.sh [ROUNDS] [WORKERS]   # ROUNDS (default 5), WORKERS (default: cores)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-5}"
workers="${2:-$(nproc)}"
out=.perfgate/sensitivity
mkdir -p "$out"
PERFGATE_EXTRA_PACKAGES="stress-ng python3" scripts/install_deps.sh
swift build -c release --product perfgate 2>&1 | tail -1
bin="$PWD/.build/release/perfgate"
filters=(--filter 'wal.*' --filter 'floor.*')

echo "== quiet: quick scenario, $rounds rounds"
"$bin" run --scenario quick --rounds "$rounds" --seed 7 --output "$out/quiet.json" "${filters[@]}" > "$out/quiet.log" 2>&1
echo "== loaded: the same while stress-ng --cpu $workers runs"
stress-ng --cpu "$workers" --timeout 0 > /dev/null 2>&1 &
load=$!
trap 'kill $load 2>/dev/null || true' EXIT
"$bin" run --scenario quick --rounds "$rounds" --seed 7 --output "$out/loaded.json" "${filters[@]}" > "$out/loaded.log" 2>&1
kill "$load" 2>/dev/null || true

python3 - "$out" "$workers" <<'PY'
import json, statistics, sys
out, workers = sys.argv[1], sys.argv[2]
def medians(path):
    result = {}
    for b in json.load(open(path))["benchmarks"]:
        m = {x["name"]: statistics.median(x["samples"]) for x in b["metrics"] if x.get("samples")}
        result[b["id"]] = m
    return result
quiet, loaded = medians(f"{out}/quiet.json"), medians(f"{out}/loaded.json")
rows = []
for id in sorted(quiet):
    q, l = quiet[id], loaded.get(id, {})
    wall = "amortized" if "amortized" in q else "mean"
    if wall not in q or wall not in l or "cpu_per_op" not in q or "cpu_per_op" not in l: continue
    rows.append((id, l[wall] / q[wall] - 1, l["cpu_per_op"] / q["cpu_per_op"] - 1, wall))
print(f"| benchmark | wall time per op (metric) | processor time per op |")
print("|---|---|---|")
for id, w, c, wall in rows: print(f"| {id} | {w * 100:+.1f} % ({wall}) | {c * 100:+.1f} % |")
w = statistics.median(abs(r[1]) for r in rows)
c = statistics.median(abs(r[2]) for r in rows)
print(f"\nwith stress-ng --cpu {workers}: median |change| of wall time per op {w * 100:.1f} %, of processor time per op "
      f"{c * 100:.1f} % over {len(rows)} benchmarks ({w / c if c else float('inf'):.1f}× less sensitive)")
PY
