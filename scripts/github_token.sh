#!/usr/bin/env bash
# Sourced by the scripts that talk to the remote (notes_sync.sh, fetch_notes.sh): hands
# GITHUB_TOKEN, when set, to git for this process only, as an HTTP header through GIT_CONFIG_*
# variables — never written to the clone's config, where every later step (and every build
# script) could read it.
if [ -n "${GITHUB_TOKEN:-}" ]; then
    github_server="${GITHUB_SERVER_URL:-https://github.com}"
    github_header="AUTHORIZATION: basic $(printf 'x-access-token:%s' "$GITHUB_TOKEN" | base64 | tr -d '\n')"
    echo "::add-mask::$github_header"
    export GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0="http.$github_server/.extraheader" GIT_CONFIG_VALUE_0="$github_header"
fi
