import ArgumentParser
import Foundation
import PerfgateCore
import PerfgateSession
import WALBenchmarks

/// The gate's own benchmark (scripts/gate_evidence.sh): false-alarm and detection rates of the
/// stored-baseline mode, from comparisons assembled by resampling rounds of independent real runs.
struct EvidenceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "_evidence", abstract: "Measure the gate's error rates from real runs (scripts/gate_evidence.sh).",
        shouldDisplay: false)

    @Option(help: "Directory of independent result files of the same scenario (normal runs).")
    var runs: String

    @Option(help: "Directory of runs with an injected slowdown (power); absent: A/A false alarms.")
    var injected: String?

    @Option(help: "With --injected: the benchmark that was slowed down.")
    var benchmark: String?

    @Option(
        help: ArgumentHelp(
            "With --benchmark and no --injected: scale that benchmark's timings in the current side by this slowdown (a "
                + "percentage), to explore a rule before collecting real injected runs.")
    )
    var syntheticSlowdown: Double?

    @Option(help: "Comparisons to assemble.")
    var comparisons = 200

    @Option(help: "Rounds per side of each comparison (the ci scenario's rounds).")
    var rounds = Scenario.ci.rounds

    @Option(help: "Seed of the resampling.")
    var seed: UInt64 = 1

    @Option(help: "Gate configuration (default: perfgate.json).")
    var config = "perfgate.json"

    func run() throws {
        try withExitCodes {
            let normal = try Self.load(runs)
            let slowed = try injected.map { try Self.load($0) } ?? []
            if injected != nil && (slowed.isEmpty || benchmark == nil) {
                throw PerfgateError(.usage, "--injected needs result files and --benchmark")
            }
            if syntheticSlowdown != nil && (benchmark == nil || injected != nil) {
                throw PerfgateError(.usage, "--synthetic-slowdown needs --benchmark and no --injected (it scales normal runs instead)")
            }
            var known = BenchmarkCatalog.allIDs
            for benchmark in normal.first?.benchmarks ?? [] { known.insert(benchmark.id) }
            let configuration = try GateConfiguration.load(path: config, knownBenchmarks: known)
            let counts = try ErrorRateStudy(
                runs: normal, slowed: slowed, benchmark: benchmark, syntheticSlowdown: syntheticSlowdown,
                comparisons: comparisons, rounds: rounds, seed: seed, configuration: configuration
            ).run()
            print(
                "runs: \(normal.count) independent (\(slowed.count) with injection); \(comparisons) comparisons of \(rounds) "
                    + "rounds per side; "
                    + "\(counts.gatedMetrics) gated metrics each")
            print("suite-level false alarms (any other metric regressed or improved): \(counts.falseAlarms)")
            if let benchmark, let detections = counts.detections { print("detected slowdown of \(benchmark): \(detections)") }
            if !counts.offenders.isEmpty {
                print("metrics behind the false alarms (comparisons):")
                for (name, count) in counts.offenders.prefix(12) { print("  \(count)  \(name)") }
            }
        }
    }

    static func load(_ directory: String) throws -> [ResultFile] {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasSuffix(".json") }.sorted()
        return try names.map { try ResultFile.load(path: directory + "/" + $0) }
    }
}
