import Foundation
import PerfgateCore
import PerfgateSupport

/// The gate's own benchmark (`scripts/gate_evidence.sh`): its false-alarm and detection rates in
/// the stored-baseline mode, from comparisons assembled out of independent real runs. Each
/// comparison draws two disjoint halves of the runs, one as the baseline session and one as the
/// current, so the samples span sessions as users' runs do.
public struct ErrorRateStudy {
    /// Independent result files of one scenario (normal runs).
    public var runs: [ResultFile]
    /// Runs with an injected slowdown of `benchmark` (empty for an A/A study).
    public var slowed: [ResultFile]
    /// The benchmark that was slowed down (real or synthetic), if any.
    public var benchmark: String?
    /// Scale `benchmark`'s timings in the current side by this percentage instead of using `slowed`.
    public var syntheticSlowdown: Double?
    public var comparisons: Int
    /// Rounds per side of each comparison.
    public var rounds: Int
    public var seed: UInt64
    public var configuration: GateConfiguration

    /// A study of `comparisons` comparisons of `rounds` rounds per side, assembled from `runs` with `seed`.
    public init(
        runs: [ResultFile], slowed: [ResultFile] = [], benchmark: String? = nil, syntheticSlowdown: Double? = nil,
        comparisons: Int, rounds: Int, seed: UInt64, configuration: GateConfiguration
    ) {
        self.runs = runs
        self.slowed = slowed
        self.benchmark = benchmark
        self.syntheticSlowdown = syntheticSlowdown
        self.comparisons = comparisons
        self.rounds = rounds
        self.seed = seed
        self.configuration = configuration
    }

    /// What the study counted.
    public struct Counts: Equatable, Sendable {
        /// Comparisons in which some metric other than `benchmark`'s was called regressed or improved.
        public var falseAlarms: Proportion
        /// Comparisons in which `benchmark` was called regressed (nil without a benchmark).
        public var detections: Proportion?
        /// Gated metrics per comparison.
        public var gatedMetrics: Int
        /// The metrics behind the false alarms, with how many comparisons each raised one in.
        public var offenders: [(name: String, count: Int)]

        /// Counts compare field by field, offenders in order.
        public static func == (lhs: Counts, rhs: Counts) -> Bool {
            lhs.falseAlarms == rhs.falseAlarms && lhs.detections == rhs.detections && lhs.gatedMetrics == rhs.gatedMetrics
                && lhs.offenders.map(\.name) == rhs.offenders.map(\.name) && lhs.offenders.map(\.count) == rhs.offenders.map(\.count)
        }
    }

    /// Assembles every comparison (sequentially, so the seed fixes them), compares them on all
    /// cores, and counts.
    /// - Throws: ``PerfgateError`` (usage) when there are too few runs to split.
    public func run() throws -> Counts {
        guard runs.count >= 4 else { throw PerfgateError(.usage, "\(runs.count) runs given; collect at least 40 independent runs") }
        var rng = SplitMix64(seed: seed)
        var pairs: [(baseline: ResultFile, current: ResultFile)] = []
        for _ in 0..<comparisons {
            let shuffled = runs.shuffled(using: &rng)
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
                Self.slowDown(&current.benchmarks[index], byPercent: slowdown)
            }
            pairs.append((baseline, current))
        }
        let reports = UnsafeMutableBufferPointer<GateReport?>.allocate(capacity: pairs.count)
        reports.initialize(repeating: nil)
        defer { reports.deallocate() }
        nonisolated(unsafe) let output = reports
        let assembled = pairs
        let configuration = configuration
        DispatchQueue.concurrentPerform(iterations: assembled.count) { index in
            output[index] = Comparator(configuration: configuration).compare(
                baseline: assembled[index].baseline, current: assembled[index].current,
                baselineSource: "resampled", currentSource: "resampled")
        }
        return Self.count(reports.compactMap { $0 }, benchmark: benchmark)
    }

    /// Counts false alarms (any metric but `benchmark`'s regressed or improved) and detections
    /// (`benchmark` regressed) over `reports`.
    public static func count(_ reports: [GateReport], benchmark: String?) -> Counts {
        var alarms = 0
        var detected = 0
        var gatedMetrics = 0
        var offenders: [String: Int] = [:]
        for report in reports {
            gatedMetrics = report.comparisons.filter { $0.adjustedPValue != nil || $0.kind == .counter }.count
            let falseCalls = report.comparisons.filter {
                $0.benchmark != benchmark && ($0.verdict == .regressed || $0.verdict == .improved)
            }
            if !falseCalls.isEmpty { alarms += 1 }
            for c in falseCalls { offenders["\(c.benchmark) \(c.metric) (\(c.kind.rawValue))", default: 0] += 1 }
            if let benchmark, report.comparisons.contains(where: { $0.benchmark == benchmark && $0.verdict == .regressed }) {
                detected += 1
            }
        }
        return Counts(
            falseAlarms: Proportion(successes: alarms, trials: reports.count),
            detections: benchmark.map { _ in Proportion(successes: detected, trials: reports.count) },
            gatedMetrics: gatedMetrics,
            offenders: offenders.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map { ($0.key, $0.value) })
    }

    /// Slower by `percent` %: costs grow by that factor, rates shrink by it.
    static func slowDown(_ benchmark: inout BenchmarkResult, byPercent percent: Double) {
        for case (let m, let metric) in benchmark.metrics.enumerated() where metric.kind == .timing {
            let factor = metric.direction == .lowerIsBetter ? 1 + percent / 100 : 1 / (1 + percent / 100)
            benchmark.metrics[m].samples = metric.samples.map { $0 * factor }
        }
    }

    /// A result whose round `i` is a random round of a random run of `pool` (runs drawn without
    /// replacement while they last), so the samples span independent sessions.
    public static func assemble(_ pool: [ResultFile], rounds: Int, rng: inout SplitMix64) -> ResultFile {
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
