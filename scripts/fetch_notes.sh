#!/usr/bin/env bash
# Fetches recorded results (refs/notes/perfgate) from origin. A remote without the ref yet is
# fine ("no results recorded yet"); any other failure — authentication on a private repository,
# the network — fails the step with git's message instead of passing as "nothing recorded".
# GITHUB_TOKEN, when set, is handed to git for this process only (see scripts/notes_sync.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
remote="${REMOTE:-origin}"
ref=refs/notes/perfgate
# shellcheck source=scripts/github_token.sh
source scripts/github_token.sh
status=0
listing=$(git ls-remote --exit-code "$remote" "$ref" 2>&1) || status=$?
case "$status" in
    0) git fetch --no-tags --quiet "$remote" "+$ref:$ref" && echo "fetched $ref from $remote" ;;
    2) echo "no results recorded yet: $remote has no $ref" ;;
    *) echo "::error::could not read $ref from $remote (git exit $status): $listing"; exit 1 ;;
esac
