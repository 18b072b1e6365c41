#!/usr/bin/env bash
# The gate's own benchmark: false-alarm rate, power and time to verdict on this machine (release
# build). Long (about 45 minutes on 2 cores); not part of the test command.
#
#   scripts/gate_evidence.sh [RUNS] [AB_TRIALS] [COMPARISONS]
#   PHASES="runs stored ab verdict" scripts/gate_evidence.sh   # choose phases (default: all)
#
# 1. RUNS (default 40) independent `perfgate run --scenario ci --rounds 3` sessions.
# 2. For slowdowns of 3, 5 and 10 %: 12 runs of the injected benchmark only, slowed down through
#    the harness hook PERFGATE_INJECT_SLOWDOWN (never the WAL itself).
# 3. Stored-baseline mode: COMPARISONS (default 100) comparisons assembled by resampling 10 rounds per side from
#    disjoint halves of the independent runs (`perfgate _evidence`, seeded): the suite-level
#    false-alarm rate, and the detection rate of each slowdown.
# 4. Paired A/B mode with its defaults: AB_TRIALS (default 10) trials per slowdown of
#    `compare --against` with the head side slowed, and as many A/A trials, over two benchmarks
#    (the slowed one and wal.append.single/64B/sync=none) to keep each trial under a minute.
# 5. Time to verdict of one A/B of the whole ci scenario against HEAD (base build timed apart).
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-40}"
trials="${2:-10}"
comparisons="${3:-100}"
target='wal.append.batch/64B/batch=1000'
others=(--filter 'wal.append.single/64B/sync=none')
out=.perfgate/evidence
phases="${PHASES:-runs stored ab verdict}"
has() { case " $phases " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }
scripts/install_deps.sh
swift build -c release --product perfgate 2>&1 | tail -1
bin="$PWD/.build/release/perfgate"
mkdir -p "$out/normal"
if has runs; then
echo "== $runs independent ci runs (3 rounds each)"
for i in $(seq -w 1 "$runs"); do
    [ -f "$out/normal/run-$i.json" ] || "$bin" run --scenario ci --rounds 3 --seed "$i" --output "$out/normal/run-$i.json" >/dev/null 2>&1
done
for pct in 3 5 10; do
    mkdir -p "$out/slow-$pct"
    for i in $(seq -w 1 12); do
        [ -f "$out/slow-$pct/run-$i.json" ] || PERFGATE_INJECT_SLOWDOWN="$target=$pct" \
            "$bin" run --scenario ci --rounds 3 --seed "$i" --filter "$target" --output "$out/slow-$pct/run-$i.json" >/dev/null 2>&1
    done
done
fi
if has stored; then
echo "== stored-baseline mode (resampled from the independent runs)"
"$bin" _evidence --runs "$out/normal" --comparisons "$comparisons" --seed 1
for pct in 3 5 10; do
    echo "-- slowdown $pct % in $target"
    "$bin" _evidence --runs "$out/normal" --injected "$out/slow-$pct" --benchmark "$target" --comparisons "$comparisons" --seed 2 | sed -n 3p
done
fi
if has ab; then
echo "== paired A/B mode (defaults: tolerance 3 %, looks at 8, 16, 32 pairs, budget 5m), $trials trials each"
for pct in 0 3 5 10; do
    detected=0; alarms=0; total_s=0
    for t in $(seq 1 "$trials"); do
        args=(compare --against HEAD --base-binary "$bin" --head-binary "$bin" --filter "$target" "${others[@]}")
        [ "$pct" = 0 ] || args+=(--head-slowdown "$target=$pct")
        start=$(date +%s)
        set +e; "$bin" "${args[@]}" > "$out/ab-$pct-$t.txt" 2>&1; code=$?; set -e
        total_s=$((total_s + $(date +%s) - start))
        if grep -q "^regressed  *$target " "$out/ab-$pct-$t.txt"; then detected=$((detected + 1)); fi
        if grep -vE "$target" "$out/ab-$pct-$t.txt" | grep -qE '^(regressed|improved) '; then alarms=$((alarms + 1)); fi
        [ "$code" -le 1 ] || { echo "trial failed (exit $code):"; tail -5 "$out/ab-$pct-$t.txt"; exit 2; }
    done
    echo "slowdown $pct %: $target regressed in $detected/$trials trials; false alarms elsewhere in $alarms/$trials; mean $((total_s / trials)) s per trial"
done
fi
if has verdict; then
echo "== time to verdict: A/B of the whole ci scenario against HEAD (same build both sides)"
start=$(date +%s)
set +e; "$bin" compare --against HEAD --base-binary "$bin" --head-binary "$bin" > "$out/ab-ci.txt" 2>&1; set -e
echo "ci scenario A/B: $(( $(date +%s) - start )) s wall; $(grep -E 'pairs of rounds' "$out/ab-ci.txt" | sed 's/^note: //')"
tail -1 "$out/ab-ci.txt"
fi
