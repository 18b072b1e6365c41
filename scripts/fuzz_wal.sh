#!/usr/bin/env bash
# Fuzzes the WAL's segment parser and recovery with libFuzzer (Swift's -sanitize=fuzzer) plus
# AddressSanitizer. A short fixed-seed run by default; pass a duration for longer runs:
#
#   scripts/fuzz_wal.sh            # 60 s, seed 1 (what .ci/run runs)
#   scripts/fuzz_wal.sh 3600       # an hour
#
# The corpus starts from real segments (the harness writes them when the corpus is empty) and the
# harness fixes up every frame's checksum, so mutations reach recovery's structural checks.
#
# Crashers land in .build-fuzz/crashes; turn each into a regression test.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
out=.build-fuzz
mkdir -p "$out/include" "$out/corpus" "$out/crashes"
cat > "$out/include/module.modulemap" <<MAP
module CKaelixSupport {
    header "$PWD/Sources/CKaelixSupport/include/CKaelixSupport.h"
    export *
}
MAP
mapfile -t wal_sources < <(find Sources/KaelixWAL -name '*.swift' | sort)
c_objects=()
for source in Sources/CKaelixSupport/*.c; do
    object="$out/$(basename "$source" .c).o"
    clang -c -O1 -g -fsanitize=fuzzer-no-link,address -I Sources/CKaelixSupport/include "$source" -o "$object"
    c_objects+=("$object")
done
swiftc -O -g -sanitize=fuzzer,address -parse-as-library -module-name KaelixWAL -Xllvm -sil-fso-disable-owned-to-guaranteed \
    -I "$out/include" "${wal_sources[@]}" scripts/fuzz/WALFuzzTarget.swift "${c_objects[@]}" \
    -lz -o "$out/wal-fuzzer"
"$out/wal-fuzzer" "$out/corpus" -seed=1 -max_total_time="$seconds" -rss_limit_mb=1024 -malloc_limit_mb=128 \
    -artifact_prefix="$out/crashes/" -print_final_stats=1
