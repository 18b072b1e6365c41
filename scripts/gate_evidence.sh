#!/usr/bin/env bash
# The gate's own benchmark: false-alarm rate, power and time to verdict on this machine (release
# build). Long (about 75 minutes on 2 cores); not part of the test command.
#
#   scripts/gate_evidence.sh [RUNS] [AB_TRIALS] [COMPARISONS]
#   PHASES="runs stored ab verdict" scripts/gate_evidence.sh   # choose phases (default: all)
#
# 1. RUNS (default 40) independent `perfgate run --scenario ci --rounds 3` sessions and, spread
#    evenly among them, INJECTED (default 10) whole-suite runs for each slowdown of 3, 5
#    and 10 % injected into one benchmark through the harness hook PERFGATE_INJECT_SLOWDOWN (never
#    the WAL itself). Injected runs are whole-suite runs collected in the same time window as the
#    normal ones, so the slowed benchmark has the same neighbours and machine load on both sides.
# 2. Stored-baseline mode: COMPARISONS (default 400) comparisons assembled by resampling the ci
#    scenario's 20 rounds per side from disjoint halves of the independent runs (`perfgate
#    _evidence`, seeded): the suite-level false-alarm rate, and (over a quarter as many
#    comparisons) the detection rate of each slowdown.
# 3. Paired A/B mode with its defaults: AB_TRIALS (default 10) trials per slowdown of
#    `compare --against` with the head side slowed, and as many A/A trials, over two benchmarks
#    (the slowed one and wal.append.single/64B/sync=none) to keep each trial to a minute or two.
#    AB_PLAN="0:10 3:5 5:20 10:10" sets the trials per slowdown (0 = A/A) instead.
# 4. Time to verdict of one A/B of the whole ci scenario against HEAD (base build timed apart).
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-40}"
trials="${2:-10}"
comparisons="${3:-400}"
injected="${INJECTED:-10}"
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
echo "== $runs independent ci runs (3 rounds each), $injected per slowdown interleaved with them"
for pct in 3 5 10; do mkdir -p "$out/slow-$pct"; done
for i in $(seq -w 1 "$runs"); do
    [ -f "$out/normal/run-$i.json" ] || "$bin" run --scenario ci --rounds 3 --seed "$i" --output "$out/normal/run-$i.json" >/dev/null 2>&1
    if [ "$(( 10#$i % (runs / injected) ))" = 0 ]; then
        for pct in 3 5 10; do
            [ -f "$out/slow-$pct/run-$i.json" ] || PERFGATE_INJECT_SLOWDOWN="$target=$pct" \
                "$bin" run --scenario ci --rounds 3 --seed "$i" --output "$out/slow-$pct/run-$i.json" >/dev/null 2>&1
        done
    fi
done
fi
if has stored; then
echo "== stored-baseline mode (resampled from the independent runs)"
"$bin" _evidence --runs "$out/normal" --comparisons "$comparisons" --seed 1
for pct in 3 5 10; do
    echo "-- slowdown $pct % in $target"
    "$bin" _evidence --runs "$out/normal" --injected "$out/slow-$pct" --benchmark "$target" --comparisons "$((comparisons / 4))" --seed 2 | sed -n 3p
done
fi
if has ab; then
plan="${AB_PLAN:-0:$trials 3:$trials 5:$trials 10:$trials}"
echo "== paired A/B mode (defaults: tolerance 3 %, looks at 8, 16, 32, … 512 pairs at α/7 each, budget 5m); trials per slowdown: $plan"
for entry in $plan; do
    pct="${entry%%:*}"; count="${entry##*:}"
    detected=0; alarms=0; total_s=0; total_pairs=0
    for t in $(seq 1 "$count"); do
        args=(compare --against HEAD --base-binary "$bin" --head-binary "$bin" --filter "$target" "${others[@]}")
        [ "$pct" = 0 ] || args+=(--head-slowdown "$target=$pct")
        file="$out/ab-$pct-$t.txt"
        start=$(date +%s)
        set +e; "$bin" "${args[@]}" > "$file" 2>&1; code=$?; set -e
        total_s=$((total_s + $(date +%s) - start))
        [ "$code" -le 1 ] || { echo "trial failed (exit $code):"; tail -5 "$file"; exit 2; }
        total_pairs=$((total_pairs + $(sed -n 's/^note: \([0-9]*\) pairs of rounds.*/\1/p' "$file" | head -1)))
        if grep -qE "^regressed +${target//./\\.} " "$file"; then detected=$((detected + 1)); fi
        # A false alarm: any other metric called regressed or improved (in A/A, any metric at all).
        if { [ "$pct" = 0 ] && cat "$file" || grep -vF "$target" "$file"; } | grep -qE '^(regressed|improved) '; then alarms=$((alarms + 1)); fi
    done
    if [ "$pct" = 0 ]; then
        echo "A/A: false alarms (any metric regressed or improved) in $alarms/$count trials; mean $((total_s / count)) s and $((total_pairs / count)) pairs per trial"
    else
        echo "slowdown $pct %: $target regressed in $detected/$count trials; false alarms elsewhere in $alarms/$count; mean $((total_s / count)) s and $((total_pairs / count)) pairs per trial"
    fi
done
fi
if has verdict; then
echo "== time to verdict: A/B of the whole ci scenario against HEAD (same build both sides)"
start=$(date +%s)
set +e; "$bin" compare --against HEAD --base-binary "$bin" --head-binary "$bin" > "$out/ab-ci.txt" 2>&1; set -e
echo "ci scenario A/B: $(( $(date +%s) - start )) s wall; $(grep -E 'pairs of rounds' "$out/ab-ci.txt" | sed 's/^note: //')"
tail -1 "$out/ab-ci.txt"
fi
