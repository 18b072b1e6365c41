import Foundation
import KaelixWAL
import PerfgateCore
import PerfgateSupport

/// Paired A/B measurement: two builds (or one build under two environments) run the same
/// benchmarks in interleaved rounds on one machine. Each pair of rounds runs every benchmark on both
/// sides, in a shuffled benchmark order, and alternates which side goes first in an ABBA pattern
/// (AB, BA, BA, AB, …) from a seeded random start, so drift and warm-up effects cancel in pairs.
/// Round `i` of side A and round `i` of side B form pair `i`.
public final class PairedSession {
    public struct Side: Sendable {
        public var label: String
        public var executable: String
        public var environment: [String: String]
        public init(label: String, executable: String, environment: [String: String] = [:]) {
            self.label = label
            self.executable = executable
            self.environment = environment
        }
    }

    public let scenario: Scenario
    public let benchmarks: [BenchmarkDefinition]
    public let sides: (a: Side, b: Side)
    let workDirectory: String
    private var generator: SplitMix64
    private var startWithB: Bool
    private var reportsA: [String: [RoundReport]] = [:]
    private var reportsB: [String: [RoundReport]] = [:]
    private var secondsByBenchmark: [String: Double] = [:]
    public private(set) var pairs = 0
    /// Wall time spent measuring, in seconds.
    public private(set) var measuredSeconds = 0.0
    /// The benchmarks later pairs run (nil: all). A confirmation narrows it to the benchmarks it
    /// still has to settle; the others keep the samples they have.
    public var active: Set<String>?

    public init(scenario: Scenario, benchmarks: [BenchmarkDefinition], a: Side, b: Side, workDirectory: String, seed: UInt64) {
        self.scenario = scenario
        self.benchmarks = benchmarks
        sides = (a, b)
        self.workDirectory = workDirectory
        generator = SplitMix64(seed: seed)
        startWithB = generator.next() % 2 == 1
    }

    /// Runs `count` more pairs; `progress(pairsDone, benchmark)` after each benchmark's pair.
    public func runPairs(_ count: Int, progress: (Int, String) -> Void) throws {
        for _ in 0..<count {
            let started = nowNanos()
            // ABBA: pairs 0 and 3 of each block of four start with one side, pairs 1 and 2 with the other.
            let flip = (pairs % 4 == 1 || pairs % 4 == 2) != startWithB
            for definition in benchmarks.shuffled(using: &generator) where active?.contains(definition.id) ?? true {
                let order = flip ? [false, true] : [true, false]  // true = side A
                let benchmarkStarted = nowNanos()
                for isA in order {
                    let side = isA ? sides.a : sides.b
                    let report = try SuiteRunner.runRound(
                        definition, round: pairs, seed: generator.next(), scenario: scenario,
                        workDirectory: workDirectory + (isA ? "/a" : "/b"),
                        executable: side.executable, environment: side.environment)
                    if isA {
                        reportsA[definition.id, default: []].append(report)
                    } else {
                        reportsB[definition.id, default: []].append(report)
                    }
                }
                secondsByBenchmark[definition.id, default: 0] += Double(nowNanos() - benchmarkStarted) / 1e9
                progress(pairs, definition.id)
            }
            pairs += 1
            measuredSeconds += Double(nowNanos() - started) / 1e9
        }
    }

    /// Mean seconds one pair of `benchmark` (both sides, process start included) has taken so far.
    public func secondsPerPair(of benchmark: String) -> Double? {
        guard let seconds = secondsByBenchmark[benchmark], let count = reportsA[benchmark]?.count, count > 0 else { return nil }
        return seconds / Double(count)
    }

    /// The samples so far, aligned by pair: side A's and side B's benchmarks.
    public func results() -> (a: [BenchmarkResult], b: [BenchmarkResult]) {
        (
            benchmarks.map { SuiteRunner.aggregate($0, reportsA[$0.id] ?? []) },
            benchmarks.map { SuiteRunner.aggregate($0, reportsB[$0.id] ?? []) }
        )
    }
}
