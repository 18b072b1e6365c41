#!/usr/bin/env bash
# The main job: installs what is missing, builds perfgate in release, runs the ci scenario,
# records it in git notes (on a clean tree), compares it with the committed baseline for this
# machine's profile, checks the targets in perfgate.json, and exits with the gate's code
# (0 pass, 1 regression or failed target, 2 bad input, 3 no baseline, 4 inconclusive with --strict).
# Extra arguments go to `perfgate check` (e.g. --format markdown, --report-dir reports).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install_deps.sh
echo "building perfgate (release; 1–2 min from a fresh clone on 2 cores, seconds when up to date)…" >&2
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! swift build -c release --product perfgate > "$log" 2>&1; then
    grep -E "error" "$log" | head -20 >&2
    tail -5 "$log" >&2
    echo "error: the release build failed (errors above); nothing was measured" >&2
    exit 2
fi
tail -1 "$log" >&2
.build/release/perfgate check "$@"
