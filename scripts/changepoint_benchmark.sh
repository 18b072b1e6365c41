#!/usr/bin/env bash
# perfgate's change-point detector against Apache Otava on seeded histories with known change
# points (see scripts/changepoint_benchmark.py for the generator and the scoring). Installs Otava
# 0.8.0 from PyPI into .perfgate/otava-venv on first use; prints a Markdown table.
#   scripts/changepoint_benchmark.sh [--seeds 11,12,13,14,15] [--histories 120]
set -euo pipefail
cd "$(dirname "$0")/.."
PERFGATE_EXTRA_PACKAGES="python3-venv python3-numpy" scripts/install_deps.sh
venv=.perfgate/otava-venv
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q apache-otava==0.8.0
fi
swift build -c release --product perfgate 2>&1 | tail -1
python3 scripts/changepoint_benchmark.py "$PWD/.build/release/perfgate" "$PWD/$venv/bin/python" "$@"
