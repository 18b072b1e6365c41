#!/usr/bin/env bash
# Installs what perfgate needs on a Debian/Ubuntu machine that has Swift: libgit2 (with its
# pkg-config file) for the git store. Does nothing when everything is present. Needs root or sudo.
set -euo pipefail
if ! command -v swift >/dev/null 2>&1; then
    echo "error: swift is not on PATH. Install a Swift 6 toolchain (https://www.swift.org/install/linux/) and retry." >&2
    exit 2
fi
missing=()
command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
pkg-config --exists libgit2 2>/dev/null || missing+=(libgit2-dev)
for package in ${PERFGATE_EXTRA_PACKAGES:-}; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "installing: ${missing[*]}"
    sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
