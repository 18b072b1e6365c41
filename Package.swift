// swift-tools-version: 6.0
//
// perfgate: the Kaelix write-ahead log, the benchmark suite that measures it, and the gate that
// stops performance regressions before they merge. Modules, bottom to top (arrows point down):
//
//   perfgate (executable)  ─► WALBenchmarks ─► KaelixWAL ─► CKaelixSupport (C: CRC32C, zlib, fallocate, locks)
//                                          ─► CKaelixSupport (file-system probe)
//                          ─► PerfgateCore  (results model, statistics, verdicts, reports; no WAL, no git)
//                          ─► PerfgateGit   ─► CLibgit2 (system library, pkg-config libgit2)
//   kaelix-torture (executable, crash and fuzz driver) ─► KaelixWALTestSupport ─► KaelixWAL
//   SeededRandom (the one seeded generator) sits below PerfgateCore, WALBenchmarks and the WAL's test support.
import PackageDescription

// Swift 6.3.1 miscompiles, in optimized builds, a throwing function whose result SIL's function-signature
// optimization turns from owned into a borrow of one of its arguments ("owned to guaranteed"): the
// caller takes the error edge with an error that was never thrown, or retains a garbage result.
// Reduced reproduction and check: scripts/compiler-faults/owned-to-guaranteed.swift (a test
// compiles it with these settings). Every Swift target of this package is built without that
// transform (applied at the end of this file).
let avoidOwnedToGuaranteedMiscompile: SwiftSetting = .unsafeFlags(["-Xllvm", "-sil-fso-disable-owned-to-guaranteed"])

let package = Package(
    name: "perfgate",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "KaelixWAL", targets: ["KaelixWAL"]),
        .library(name: "PerfgateCore", targets: ["PerfgateCore"]),
        .executable(name: "perfgate", targets: ["perfgate"]),
        .executable(name: "kaelix-torture", targets: ["KaelixTorture"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.1.0"),
    ],
    targets: [
        // zlib (per-batch compression) comes with libgit2-dev's dependencies (zlib1g-dev).
        .target(name: "CKaelixSupport", linkerSettings: [.linkedLibrary("z")]),
        .target(name: "KaelixWAL", dependencies: ["CKaelixSupport"]),
        .target(name: "SeededRandom"),
        // Test machinery (fault-injecting file layer), kept out of the shipped WAL library.
        .target(name: "KaelixWALTestSupport", dependencies: ["KaelixWAL", "SeededRandom"]),
        .executableTarget(name: "KaelixTorture", dependencies: ["KaelixWAL", "KaelixWALTestSupport", "SeededRandom"]),
        .target(name: "PerfgateCore", dependencies: ["SeededRandom"], exclude: ["Schema"]),
        .systemLibrary(name: "CLibgit2", pkgConfig: "libgit2", providers: [.apt(["libgit2-dev"]), .brew(["libgit2"])]),
        .target(name: "PerfgateGit", dependencies: ["CLibgit2"]),
        .target(name: "WALBenchmarks", dependencies: [
            "KaelixWAL", "CKaelixSupport", "PerfgateCore", "SeededRandom", .product(name: "Histogram", package: "hdrhistogram-swift"),
        ]),
        .executableTarget(name: "perfgate", dependencies: [
            "PerfgateCore", "WALBenchmarks", "PerfgateGit", "SeededRandom", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], plugins: ["BuildCommitPlugin"]),
        // Stamps the commit being built into `perfgate --version`.
        .plugin(name: "BuildCommitPlugin", capability: .buildTool()),
        .testTarget(name: "KaelixWALTests", dependencies: ["KaelixWAL", "KaelixWALTestSupport", "SeededRandom", "CKaelixSupport"]),
        .testTarget(name: "WALBenchmarksTests", dependencies: ["WALBenchmarks", "PerfgateCore"]),
        .testTarget(name: "PerfgateCoreTests", dependencies: ["PerfgateCore", "SeededRandom"], exclude: ["Fixtures"]),
        .testTarget(name: "PerfgateGitTests", dependencies: ["PerfgateGit"]),
        // End to end: drives the release `perfgate` binary users run (scripts/test.sh builds it first;
        // the tests fail, naming the command, when it is missing or older than the sources).
        .testTarget(name: "PerfgateCLITests", dependencies: ["PerfgateCore"]),
    ]
)

for target in package.targets where ![.system, .plugin].contains(target.type) && target.name != "CKaelixSupport" {
    target.swiftSettings = (target.swiftSettings ?? []) + [avoidOwnedToGuaranteedMiscompile]
}
