#!/usr/bin/env bash
# Measures the git-notes store at scale (release build): a repository of N commits (default
# 10 000) gets one result line recorded on every commit, one process, in history order; the script
# reports the recording time per note at the start and at the end (flat = fan-out works), then the
# time to read the history of all N commits; then every commit also gets a real result (one
# benchmark of the smoke scenario, its samples shifted by 10 % from the middle of history on) and
# `history --changes` analyses the whole history of its series.
#   scripts/notes_scale.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-10000}"
scripts/install_deps.sh
swift build -c release --product perfgate >/dev/null
perfgate="$PWD/.build/release/perfgate"
repo=$(mktemp -d)
trap 'rm -rf "$repo"' EXIT
git -C "$repo" init -q -b main
git -C "$repo" config gc.auto 0
{
  for i in $(seq 1 "$n"); do
    printf 'commit refs/heads/main\ncommitter perfgate <p@example.com> %d +0000\ndata <<EOM\ncommit %d\nEOM\n' $((1700000000 + i)) "$i"
    [ "$i" -gt 1 ] || true
  done
} | git -C "$repo" fast-import --quiet
git -C "$repo" checkout -q main
echo "repository: $n commits"
times=$(cd "$repo" && "$perfgate" _notes-stress --history-commits "$n" --count "$n" --time)
first=$(echo "$times" | head -n 100 | awk '{s+=$1} END {printf "%.2f", s/NR/1000}')
last=$(echo "$times" | tail -n 100 | awk '{s+=$1} END {printf "%.2f", s/NR/1000}')
sorted=$(echo "$times" | tail -n 1000 | sort -n)
p99=$(echo "$sorted" | awk '{a[NR]=$1} END {printf "%.2f", a[int(NR*0.99)]/1000}')
echo "record one result: first 100 notes mean ${first} ms, last 100 (at ~$n notes) mean ${last} ms, p99 of last 1000 ${p99} ms"
start=$(date +%s%N)
(cd "$repo" && "$perfgate" history --limit "$n" --json >/dev/null)
end=$(date +%s%N)
echo "read the history of $n commits: $(( (end - start) / 1000000 )) ms"
"$perfgate" run --scenario smoke --filter 'wal.append.batch/64B/batch=1000' --output "$repo/one.json" >/dev/null 2>&1
(cd "$repo" && "$perfgate" _notes-stress --history-commits "$n" --count "$n" --tag r --result one.json --step-at $((n / 2)))
start=$(date +%s%N)
found=$(cd "$repo" && "$perfgate" history --changes --benchmark 'wal.append.batch/64B/batch=1000' 2>&1 | tail -n 2)
end=$(date +%s%N)
echo "history --changes over the whole history ($n commits, every metric's rounds read): $(( (end - start) / 1000000 )) ms"
echo "$found"
