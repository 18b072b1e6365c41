#!/usr/bin/env bash
# The test command: installs what is missing, then builds and runs every test (debug build).
# Long stress and evaluation runs are not here; see scripts/wal_stress.sh and scripts/gate_evidence.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install_deps.sh
scripts/lint_workflows.sh
log=$(mktemp)
trap 'rm -f "$log"' EXIT
set +e
swift build --build-tests 2>&1 | tail -5
swift test --skip-build 2>&1 | tee "$log" | grep -vE '^(◇|✔ Test [a-zA-Z].*passed after|Test Suite|Test Case)' 
status=${PIPESTATUS[0]}
set -e
# One plain closing line for any CI reader: "N passed, N failed".
passed=$(grep -cE '^✔ Test .*passed' "$log" || true)
failed=$(grep -cE '^✘ Test .*failed' "$log" || true)
echo "tests: $passed passed, $failed failed"
exit "$status"
