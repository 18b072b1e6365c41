#!/usr/bin/env bash
# Fuzzes the WAL's segment parser and recovery with libFuzzer (Swift's -sanitize=fuzzer) plus
# AddressSanitizer. A short fixed-seed run by default; pass a duration for longer runs:
#
#   scripts/fuzz_wal.sh            # 20 s, seed 1 (what CI-style checks use)
#   scripts/fuzz_wal.sh 3600       # an hour
#
# Crashers land in .build-fuzz/crashes; turn each into a regression test.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-20}"
out=.build-fuzz
mkdir -p "$out/include" "$out/corpus" "$out/crashes"
cat > "$out/include/module.modulemap" <<MAP
module CKaelixSupport {
    header "$PWD/Sources/CKaelixSupport/include/CKaelixSupport.h"
    export *
}
MAP
clang -c -O1 -g -fsanitize=fuzzer-no-link,address -I Sources/CKaelixSupport/include \
    Sources/CKaelixSupport/crc32c.c -o "$out/crc32c.o"
swiftc -O -g -sanitize=fuzzer,address -parse-as-library -module-name KaelixWAL \
    -I "$out/include" Sources/KaelixWAL/*.swift scripts/fuzz/WALFuzzTarget.swift "$out/crc32c.o" \
    -o "$out/wal-fuzzer"
# Seed corpus: a few real frames, so the fuzzer starts from valid structure.
printf '' > "$out/corpus/empty"
"$out/wal-fuzzer" "$out/corpus" -seed=1 -max_total_time="$seconds" -rss_limit_mb=1024 -malloc_limit_mb=128 \
    -artifact_prefix="$out/crashes/" -print_final_stats=1
