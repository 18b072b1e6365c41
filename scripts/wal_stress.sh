#!/usr/bin/env bash
# Long WAL reliability runs, outside the default test command:
#   scripts/wal_stress.sh [CRASH_CYCLES] [FUZZ_SECONDS]
# runs the SIGKILL crash loop for CRASH_CYCLES cycles (default 2000) and fuzzes for FUZZ_SECONDS
# (default 600).
set -euo pipefail
cd "$(dirname "$0")/.."
cycles="${1:-2000}"
fuzz="${2:-600}"
scripts/install_deps.sh
swift build --build-tests
KAELIX_CRASH_CYCLES="$cycles" swift test --skip-build --filter CrashTests
scripts/fuzz_wal.sh "$fuzz"
