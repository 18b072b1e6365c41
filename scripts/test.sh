#!/usr/bin/env bash
# The test command: installs what is missing, lints the GitHub workflow, the action, the shell
# scripts and the Swift style, builds perfgate in release (the binary users run, which the end-to-end tests drive),
# builds and runs every test. Long stress and evaluation runs are not here; see
# scripts/wal_stress.sh, scripts/fuzz_wal.sh and scripts/gate_evidence.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
# The lint below needs shellcheck (Debian) besides what the build needs.
PERFGATE_EXTRA_PACKAGES="${PERFGATE_EXTRA_PACKAGES:-} shellcheck" scripts/install_deps.sh
scripts/lint_workflows.sh
scripts/lint_swift.sh
log=$(mktemp)
build=$(mktemp)
trap 'rm -f "$log" "$build"' EXIT
step() { # step NAME COMMAND...: runs a build step, shows its last line, or its errors and a closing line on failure.
    local name=$1
    shift
    echo "building $name…"
    if ! "$@" > "$build" 2>&1; then
        grep -E "error|warning: unre" "$build" | head -40
        tail -20 "$build"
        echo "tests: 0 passed, 1 failed (the $name build failed)"
        exit 1
    fi
    tail -1 "$build"
}
step "perfgate (release, the binary the end-to-end tests run)" swift build -c release --product perfgate
step "the tests (debug)" swift build --build-tests
set +e
# Hide the per-test "started"/"passed" chatter; keep failures, skips, suites and the closing summary line.
swift test --skip-build 2>&1 | tee "$log" | grep -vE '^(◇|↳|✔ Test [^ ]+\()'
status=${PIPESTATUS[0]}
set -e
# One plain closing line for any CI reader: "N passed, N failed, N skipped". Tests run in parallel,
# so one output line can hold several results: count every result, not lines; a parameterized test
# ("… with 62 test cases passed") counts once, as swift-testing's own "Test run with N tests" does.
count() { { grep -oP "$1 Test (?!run with )[^✔✘◇↳➜]*? $2" "$log" || true; } | wc -l; }
passed=$(count ✔ 'passed after')
failed=$(count ✘ 'failed after')
skipped=$(count ➜ 'skipped')
if [ "$skipped" -gt 0 ]; then
    echo "skipped (a missing tool; .ci/run installs them):"
    { grep -oP "➜ Test (?!run with )[^✔✘◇↳➜]*? skipped[^✔✘◇↳➜]*" "$log" || true; } | sed 's/^/  /'
fi
echo "tests: $passed passed, $failed failed, $skipped skipped"
if [ "$status" -eq 0 ] && [ "$skipped" -gt 0 ] && [ "${PERFGATE_NO_SKIPS:-0}" = 1 ]; then
    echo "error: PERFGATE_NO_SKIPS=1 (as in CI) and $skipped test(s) were skipped: install the tools named above" >&2
    exit 1
fi
exit "$status"
