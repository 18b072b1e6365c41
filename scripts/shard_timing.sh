#!/usr/bin/env bash
# Wall time of the ci scenario spread over SHARDS runners (default 3), as the workflow's matrix
# runs it: each shard (`perfgate run --shard i/N --record`) timed on its own, one after another on
# this machine (on CI they run at once, one per runner), then the join — reading the commit's
# shards from the notes as one run and comparing it (`perfgate compare --current HEAD`). Works in
# a temporary clone, so nothing is recorded into this one.
#
#   scripts/shard_timing.sh [SHARDS] [SCENARIO]
set -euo pipefail
cd "$(dirname "$0")/.."
shards="${1:-3}"
scenario="${2:-ci}"
swift build -c release --product perfgate 2>&1 | tail -1
bin="$PWD/.build/release/perfgate"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git clone -q --no-local . "$work/clone"
cd "$work/clone"
git config user.email timing@example.com
git config user.name timing
seconds=()
for i in $(seq 1 "$shards"); do
    started=$(date +%s%N)
    "$bin" run --scenario "$scenario" --shard "$i/$shards" --shard-group timing --record --output "$work/shard-$i.json" > /dev/null 2> "$work/shard-$i.log"
    seconds+=("$(( ($(date +%s%N) - started) / 1000000 ))")
    echo "shard $i/$shards: ${seconds[-1]} ms"
done
started=$(date +%s%N)
status=0
"$bin" compare --current HEAD --baseline HEAD --scenario "$scenario" --format json --output "$work/joined.json" 2> "$work/join.log" || status=$?
joined=$(( ($(date +%s%N) - started) / 1000000 ))
python3 - "$work/joined.json" "$status" "$joined" "${seconds[@]}" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
status, joined = sys.argv[2], float(sys.argv[3]) / 1000
shards = [float(s) / 1000 for s in sys.argv[4:]]
benchmarks = len({c["benchmark"] for c in report["comparisons"]})
print(f"joined: {benchmarks} benchmarks read as one run and compared in {joined:.1f} s (exit {status}, "
      f"{len(report.get('missing', []))} missing)")
print(f"per shard: {', '.join(f'{s:.0f} s' for s in shards)}; the matrix's wall time is the slowest shard, "
      f"{max(shards):.0f} s, against {sum(shards):.0f} s for all of them on one runner")
PY
