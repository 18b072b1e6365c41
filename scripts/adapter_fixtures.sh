#!/usr/bin/env bash
# Regenerates the adapter fixtures under Tests/PerfgateCoreTests/Fixtures/adapters from the real
# tools where they run here: hyperfine (Debian package) and google-benchmark (libbenchmark-dev).
# package-benchmark and criterion need Swift/Rust package registries this machine cannot reach, so
# their fixtures are written by hand in the tools' documented formats (kept in git, not regenerated).
set -euo pipefail
cd "$(dirname "$0")/.."
out=Tests/PerfgateCoreTests/Fixtures/adapters
mkdir -p "$out"
PERFGATE_EXTRA_PACKAGES="hyperfine libbenchmark-dev g++" scripts/install_deps.sh
hyperfine --runs 10 --warmup 2 --style none --export-json "$out/hyperfine.json" 'sleep 0.01' 'sleep 0.02' >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat > "$work/bench.cc" <<'CC'
#include <benchmark/benchmark.h>
#include <cstring>
#include <vector>
static void BM_memcpy(benchmark::State& state) {
  std::vector<char> src(state.range(0), 'x'), dst(state.range(0));
  for (auto _ : state) { std::memcpy(dst.data(), src.data(), src.size()); benchmark::DoNotOptimize(dst.data()); }
  state.SetBytesProcessed(int64_t(state.iterations()) * state.range(0));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_memcpy)->Arg(64)->Arg(4096);
static void BM_sum(benchmark::State& state) {
  std::vector<int> v(1000, 1);
  for (auto _ : state) { long s = 0; for (int x : v) s += x; benchmark::DoNotOptimize(s); }
}
BENCHMARK(BM_sum)->Unit(benchmark::kMicrosecond);
BENCHMARK_MAIN();
CC
g++ -O2 "$work/bench.cc" -o "$work/bench" -lbenchmark -lpthread
"$work/bench" --benchmark_repetitions=5 --benchmark_min_time=0.01s --benchmark_format=json --benchmark_out="$out/google-benchmark.json" >/dev/null 2>&1 \
  || "$work/bench" --benchmark_repetitions=5 --benchmark_min_time=0.01 --benchmark_format=json --benchmark_out="$out/google-benchmark.json" >/dev/null
echo "wrote $out/hyperfine.json and $out/google-benchmark.json"
