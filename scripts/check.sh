#!/usr/bin/env bash
# The main job: installs what is missing, builds perfgate in release, runs the ci scenario,
# records it in git notes (on a clean tree), compares it with the committed baseline for this
# machine's profile, checks the targets in perfgate.json, and exits with the gate's code
# (0 pass, 1 regression or failed target, 2 bad input, 3 no baseline, 4 inconclusive with --strict).
# Extra arguments go to `perfgate check` (e.g. --format markdown, --report-dir reports).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install_deps.sh
swift build -c release --product perfgate 2>&1 | tail -1
exec .build/release/perfgate check "$@"
