#!/usr/bin/env bash
# Checks the Swift sources against the house style: swift-format with the repository's
# .swift-format (4-space indents, 140 columns), and no line over 140 characters anywhere (the
# formatter leaves comments and string literals long). Fix with:
#
#   swift format format -i -r --parallel Sources Tests Package.swift Plugins scripts/fuzz scripts/compiler-faults
set -euo pipefail
cd "$(dirname "$0")/.."
paths=(Sources Tests Package.swift Plugins scripts/fuzz scripts/compiler-faults)
swift format lint --strict -r --parallel "${paths[@]}"
long=$(git ls-files '*.swift' | xargs awk 'length > 140 { print FILENAME ":" FNR ": " length " characters" }')
if [ -n "$long" ]; then
    echo "lines over 140 characters (break them; the formatter does not break comments or strings):"
    echo "$long"
    exit 1
fi
echo "swift-format: $(git ls-files '*.swift' | wc -l) Swift files follow .swift-format, none over 140 columns"
