#!/usr/bin/env bash
# Pushes this clone's recorded results (refs/notes/perfgate) to origin, merging what other writers
# pushed meanwhile (`perfgate notes sync`). The token comes in GITHUB_TOKEN for this step only and
# reaches git as an HTTP header through GIT_CONFIG_* variables of this process: it is never
# written to the clone's config, where every later step (and every build script) could read it.
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${PERFGATE_BIN:-.build/release/perfgate}"
# shellcheck source=scripts/github_token.sh
source scripts/github_token.sh
"$bin" notes sync --remote "${REMOTE:-origin}"
