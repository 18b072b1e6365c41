#!/usr/bin/env bash
# Runs the WAL benchmark suite in one of its modes, printing the system information first.
#   scripts/run_benchmarks.sh [quick|ci|comprehensive|stress|validate] [extra perfgate run arguments]
# Writes .perfgate/latest-<mode>.json (override with --output).
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-quick}"
shift || true
case "$mode" in
    quick|ci|comprehensive|stress|validate) ;;
    *) echo "error: unknown mode '$mode'; use quick, ci, comprehensive, stress or validate" >&2; exit 2 ;;
esac
scripts/install_deps.sh
echo "== system"
echo "cpu:        $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //') ($(nproc) cores)"
echo "memory:     $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
echo "kernel:     $(uname -sr)"
echo "filesystem: $(df -T . | awk 'NR==2 {print $2 " on " $1 ", " $5 " used"}')"
echo "toolchain:  $(swift --version 2>&1 | head -1)"
echo "commit:     $(git rev-parse --short HEAD 2>/dev/null || echo 'not a git checkout')$(git diff --quiet 2>/dev/null || echo ' (dirty)')"
echo "== build (release)"
swift build -c release --product perfgate 2>&1 | tail -1
echo "== perfgate run --scenario $mode"
exec .build/release/perfgate run --scenario "$mode" "$@"
