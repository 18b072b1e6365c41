// swift-tools-version: 6.0
//
// perfgate: the Kaelix write-ahead log, the benchmark suite that measures it, and the gate that
// stops performance regressions before they merge. Modules (arrows point down; ARCHITECTURE.md explains them):
//
//   perfgate (executable) ─► PerfgateSession ─► WALBenchmarks ─► KaelixWAL ─► CKaelixSupport (C: CRC32C, zlib, files)
//                                            │                ─► CKaelixSupport (file-system probe)
//                                            ├─► PerfgateCore  (results model, statistics, verdicts, reports; no WAL, no git)
//                                            ├─► PerfgateGit   ─► CLibgit2 (system library, pkg-config libgit2)
//                                            └─► PerfgateSupport (seeded generator, glob matcher, process runner, concurrent map)
//   kaelix-torture (executable, crash and fuzz driver) ─► KaelixWALTestSupport ─► KaelixWAL
//   PerfgateTestSupport (result builders, git fixture) serves the gate's tests.
import PackageDescription

// Swift 6.3.1 miscompiles, in optimized builds, a throwing function whose result SIL's function-signature
// optimization turns from owned into a borrow of one of its arguments ("owned to guaranteed"): the
// caller takes the error edge with an error that was never thrown, or retains a garbage result.
// Reduced reproduction and check: scripts/compiler-faults/owned-to-guaranteed.swift (a test
// compiles it with these settings). Every Swift target of this package is built without that
// transform (applied at the end of this file).
let avoidOwnedToGuaranteedMiscompile: SwiftSetting = .unsafeFlags(["-Xllvm", "-sil-fso-disable-owned-to-guaranteed"])

// The WAL's hot paths mutate a few class properties per append (the pending group, the segment's
// checkpoints, the stream's runs), and each runtime exclusivity check costs ~80 instructions here
// (callgrind: about a fifth of a single 64-byte append). Debug builds, which the tests run, keep
// the checks and trap on any violation; release builds of the WAL alone leave them out.
let walReleaseWithoutRuntimeExclusivityChecks: SwiftSetting = .unsafeFlags(
    ["-enforce-exclusivity=unchecked"], .when(configuration: .release))

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
        .target(name: "KaelixWAL", dependencies: ["CKaelixSupport"], swiftSettings: [walReleaseWithoutRuntimeExclusivityChecks]),
        .target(name: "PerfgateSupport"),
        // Test machinery (fault-injecting file layer), kept out of the shipped WAL library.
        .target(name: "KaelixWALTestSupport", dependencies: ["KaelixWAL", "PerfgateSupport"]),
        .executableTarget(name: "KaelixTorture", dependencies: ["KaelixWAL", "KaelixWALTestSupport", "PerfgateSupport"]),
        .target(name: "PerfgateCore", dependencies: ["PerfgateSupport"], exclude: ["Schema"]),
        .systemLibrary(name: "CLibgit2", pkgConfig: "libgit2", providers: [.apt(["libgit2-dev"]), .brew(["libgit2"])]),
        .target(name: "PerfgateGit", dependencies: ["CLibgit2", "PerfgateSupport"]),
        .target(
            name: "WALBenchmarks",
            dependencies: [
                "KaelixWAL", "CKaelixSupport", "PerfgateCore", "PerfgateSupport",
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ]),
        // Orchestration: a gate decision, a suite run, a paired comparison, the gate's own error
        // rates, recording in git. Receives the repository and the environment as values.
        .target(name: "PerfgateSession", dependencies: ["PerfgateCore", "PerfgateGit", "WALBenchmarks", "PerfgateSupport"]),
        .executableTarget(
            name: "perfgate",
            dependencies: [
                "PerfgateSession", "PerfgateCore", "WALBenchmarks", "PerfgateGit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ], plugins: ["BuildCommitPlugin"]),
        // Stamps the commit being built into `perfgate --version`.
        .plugin(name: "BuildCommitPlugin", capability: .buildTool()),
        .testTarget(name: "KaelixWALTests", dependencies: ["KaelixWAL", "KaelixWALTestSupport", "PerfgateSupport", "CKaelixSupport"]),
        .testTarget(name: "WALBenchmarksTests", dependencies: ["WALBenchmarks", "CKaelixSupport", "PerfgateCore", "PerfgateTestSupport"]),
        // Test machinery of the gate: result builders and a git repository fixture.
        .target(name: "PerfgateTestSupport", dependencies: ["PerfgateCore", "PerfgateGit", "PerfgateSupport"]),
        .testTarget(
            name: "PerfgateCoreTests", dependencies: ["PerfgateCore", "PerfgateSupport", "PerfgateTestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "PerfgateGitTests", dependencies: ["PerfgateGit", "PerfgateSupport", "PerfgateTestSupport"]),
        .testTarget(name: "PerfgateSupportTests", dependencies: ["PerfgateSupport"]),
        .testTarget(
            name: "PerfgateSessionTests",
            dependencies: [
                "PerfgateSession", "PerfgateCore", "PerfgateGit", "PerfgateSupport", "PerfgateTestSupport", "WALBenchmarks",
            ]),
        // End to end: drives the release `perfgate` binary users run (scripts/test.sh builds it first;
        // the tests fail, naming the command, when it is missing or older than the sources).
        .testTarget(name: "PerfgateCLITests", dependencies: ["PerfgateCore", "PerfgateSupport", "PerfgateTestSupport"]),
    ]
)

for target in package.targets where ![.system, .plugin].contains(target.type) && target.name != "CKaelixSupport" {
    target.swiftSettings = (target.swiftSettings ?? []) + [avoidOwnedToGuaranteedMiscompile]
}
