import ArgumentParser
import Foundation
import PerfgateCore
import WALBenchmarks
import SeededRandom

/// The gate's own benchmark (scripts/gate_evidence.sh): false-alarm and detection rates of the
/// stored-baseline mode, from comparisons assembled by resampling rounds of independent real runs.
struct EvidenceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "_evidence", abstract: "Measure the gate's error rates from real runs (scripts/gate_evidence.sh).", shouldDisplay: false)

    @Option(help: "Directory of independent result files of the same scenario (normal runs).")
    var runs: String

    @Option(help: "Directory of runs with an injected slowdown (power); absent: A/A false alarms.")
    var injected: String?

    @Option(help: "With --injected: the benchmark that was slowed down.")
    var benchmark: String?

    @Option(help: "With --benchmark and no --injected: scale that benchmark's timings in the current side by this slowdown (a percentage), to explore a rule before collecting real injected runs.")
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
            guard normal.count >= 4 else { throw PerfgateError(.usage, "\(runs) holds \(normal.count) runs; collect at least 40") }
            let slowed = try injected.map { try Self.load($0) } ?? []
            if injected != nil && (slowed.isEmpty || benchmark == nil) {
                throw PerfgateError(.usage, "--injected needs result files and --benchmark")
            }
            if syntheticSlowdown != nil && (benchmark == nil || injected != nil) {
                throw PerfgateError(.usage, "--synthetic-slowdown needs --benchmark and no --injected (it scales normal runs instead)")
            }
            var known = BenchmarkCatalog.allIDs
            normal[0].benchmarks.forEach { known.insert($0.id) }
            let configuration = try GateConfiguration.load(path: config, knownBenchmarks: known)
            var rng = SplitMix64(seed: seed)
            // Assemble every comparison first (sequentially, so the seed fixes them), then compare on all cores.
            var pairs: [(baseline: ResultFile, current: ResultFile)] = []
            for _ in 0..<comparisons {
                // Two disjoint halves of the runs: the baseline "session" and the current one.
                let shuffled = normal.shuffled(using: &rng)
                let half = shuffled.count / 2
                let baseline = Self.assemble(Array(shuffled[..<half]), rounds: rounds, rng: &rng)
                var current = Self.assemble(Array(shuffled[half...]), rounds: rounds, rng: &rng)
                if let benchmark, !slowed.isEmpty {
                    let replacement = Self.assemble(slowed, rounds: rounds, rng: &rng)
                    if let index = current.benchmarks.firstIndex(where: { $0.id == benchmark }), let slow = replacement.benchmark(benchmark) {
                        current.benchmarks[index] = slow
                    }
                }
                if let benchmark, let slowdown = syntheticSlowdown, let index = current.benchmarks.firstIndex(where: { $0.id == benchmark }) {
                    // Slower by `slowdown` %: costs grow by that factor, rates shrink by it.
                    for case let (m, metric) in current.benchmarks[index].metrics.enumerated() where metric.kind == .timing {
                        let factor = metric.direction == .lowerIsBetter ? 1 + slowdown / 100 : 1 / (1 + slowdown / 100)
                        current.benchmarks[index].metrics[m].samples = metric.samples.map { $0 * factor }
                    }
                }
                pairs.append((baseline, current))
            }
            let reports = UnsafeMutableBufferPointer<GateReport?>.allocate(capacity: pairs.count)
            reports.initialize(repeating: nil)
            defer { reports.deallocate() }
            nonisolated(unsafe) let output = reports
            let assembled = pairs
            DispatchQueue.concurrentPerform(iterations: assembled.count) { index in
                output[index] = Comparator(configuration: configuration).compare(baseline: assembled[index].baseline, current: assembled[index].current,
                                                                                 baselineSource: "resampled", currentSource: "resampled")
            }
            var alarms = 0, detected = 0, gatedMetrics = 0
            var offenders: [String: Int] = [:]
            for case let report? in reports {
                gatedMetrics = report.comparisons.filter { $0.adjustedPValue != nil || $0.kind == .counter }.count
                let others = report.comparisons.filter { $0.benchmark != benchmark }
                let false_ = others.filter { $0.verdict == .regressed || $0.verdict == .improved }
                if !false_.isEmpty { alarms += 1 }
                for c in false_ { offenders["\(c.benchmark) \(c.metric) (\(c.kind.rawValue))", default: 0] += 1 }
                if let benchmark, report.comparisons.contains(where: { $0.benchmark == benchmark && $0.verdict == .regressed }) { detected += 1 }
            }
            print("runs: \(normal.count) independent (\(slowed.count) with injection); \(comparisons) comparisons of \(rounds) rounds per side; \(gatedMetrics) gated metrics each")
            print("suite-level false alarms (any other metric regressed or improved): \(Proportion(successes: alarms, trials: comparisons))")
            if let benchmark { print("detected slowdown of \(benchmark): \(Proportion(successes: detected, trials: comparisons))") }
            if !offenders.isEmpty {
                print("metrics behind the false alarms (comparisons):")
                for (name, count) in offenders.sorted(by: { $0.value > $1.value }).prefix(12) { print("  \(count)  \(name)") }
            }
        }
    }

    static func load(_ directory: String) throws -> [ResultFile] {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasSuffix(".json") }.sorted()
        var results: [ResultFile] = []
        for name in names { results.append(try ResultFile.load(path: directory + "/" + name)) }
        return results
    }

    /// A result whose round `i` is a random round of a random run of `pool` (runs drawn without
    /// replacement while they last), so the samples span independent sessions.
    static func assemble(_ pool: [ResultFile], rounds: Int, rng: inout SplitMix64) -> ResultFile {
        var template = pool[0]
        let order = pool.shuffled(using: &rng)
        let picks: [(run: ResultFile, round: Int)] = (0..<rounds).map { i in
            let run = order[i % order.count]
            return (run, Int(rng.next() % UInt64(max(1, run.run.rounds))))
        }
        for b in template.benchmarks.indices {
            let id = template.benchmarks[b].id
            for m in template.benchmarks[b].metrics.indices {
                let name = template.benchmarks[b].metrics[m].name
                template.benchmarks[b].metrics[m].samples = picks.compactMap { pick in
                    guard let samples = pick.run.benchmark(id)?.metric(named: name)?.samples, !samples.isEmpty else { return nil }
                    return samples[min(pick.round, samples.count - 1)]
                }
            }
        }
        template.run.rounds = rounds
        return template
    }
}
