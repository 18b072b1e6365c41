#!/usr/bin/env bash
# The test command: installs what is missing, validates the GitHub workflow and action, then builds
# and runs every test (debug build). Long stress and evaluation runs are not here; see
# scripts/wal_stress.sh, scripts/fuzz_wal.sh and scripts/gate_evidence.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install_deps.sh
scripts/lint_workflows.sh
log=$(mktemp)
build=$(mktemp)
trap 'rm -f "$log" "$build"' EXIT
if ! swift build --build-tests > "$build" 2>&1; then
    grep -E "error|warning: unre" "$build" | head -40
    tail -20 "$build"
    echo "tests: 0 passed, 1 failed (the build failed)"
    exit 1
fi
tail -1 "$build"
set +e
# Hide the per-test "started"/"passed" chatter; keep failures, suites and the closing summary line.
swift test --skip-build 2>&1 | tee "$log" | grep -vE '^(◇|↳|✔ Test [^ ]+\()'
status=${PIPESTATUS[0]}
set -e
# One plain closing line for any CI reader: "N passed, N failed".
passed=$(grep -cE '^✔ Test [^ ]+\(.*passed' "$log" || true)
failed=$(grep -cE '^✘ Test [^ ]+\(.*failed' "$log" || true)
echo "tests: $passed passed, $failed failed"
exit "$status"
