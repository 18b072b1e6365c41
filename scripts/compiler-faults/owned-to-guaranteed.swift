// Reduced reproduction of a Swift 6.3.1 optimizer fault (x86_64 Linux, `swiftc -O`).
//
// SIL's function-signature optimization specializes `finish` so that it returns a borrow of its
// argument instead of an owned value (the "owned to guaranteed" return transform, mangled `…_g`).
// The SIL after the pass is right; the lowered call is not: the caller takes the error edge with an
// error that was never thrown (prints "threw: badInput" although the only throw is `.usage`).
// With untyped `throws` the same transform made perfgate retain a garbage result (SIGSEGV).
//
//   swiftc -O owned-to-guaranteed.swift && ./owned-to-guaranteed                # threw: badInput
//   swiftc -O -Xllvm -sil-fso-disable-owned-to-guaranteed owned-to-guaranteed.swift && ./owned-to-guaranteed   # ok 1
//
// perfgate builds every target with `-sil-fso-disable-owned-to-guaranteed` (Package.swift);
// PerfgateCLITests compiles this file both ways to show the fault and that the setting avoids it.

struct PErr: Error {
    enum Kind { case badInput, usage }
    var kind: Kind
    var message: String
}

struct M {
    var name: String
    var unit: String
    var samples: [Double]
    var available: Bool
    var reason: String?
}
struct B {
    var id: String
    var metrics: [M]
}
struct Run {
    var id: String
    var scenario: String
    var commit: String?
    var dirty: Bool
    var branch: String?
    var start: Double
    var end: Double
    var toolchain: String
    var config: String
    var source: String
    var rounds: Int
}
struct R {
    var schema: String
    var version: Int
    var run: Run
    var benchmarks: [B]
}

@inline(never)
func finish(_ result: R, path: String) throws(PErr) -> R {
    for benchmark in result.benchmarks {
        for metric in benchmark.metrics where metric.samples.contains(where: { !$0.isFinite || $0 < 0 }) {
            throw PErr(kind: .usage, message: "negative sample in \(benchmark.id) \(metric.name) of \(path)")
        }
    }
    return result
}

@inline(never)
func make() -> R {
    let run = Run(
        id: "id", scenario: "h", commit: nil, dirty: false, branch: nil, start: 1, end: 2,
        toolchain: "u", config: "u", source: "h", rounds: 3)
    let metric = M(name: "t", unit: "ns", samples: [1, 2, 3], available: true, reason: nil)
    return R(schema: "s", version: 1, run: run, benchmarks: [B(id: "x", metrics: [metric])])
}

@inline(never)
func probe(_ path: String) throws(PErr) -> Int {
    try finish(make(), path: path).benchmarks.count
}

do {
    print("ok", try probe(CommandLine.arguments[0]))
} catch {
    print("threw:", error.kind)
}
