import Foundation
import PerfgateCore
import PerfgateSession
import PerfgateSupport
import PerfgateTestSupport
import Testing

/// The gate's error-rate study, on synthetic runs whose truth is known.
@Suite struct ErrorRateStudyTests {
    /// Independent runs of two benchmarks with round noise only.
    static func runs(_ count: Int, seed: UInt64) -> [ResultFile] {
        var rng = SplitMix64(seed: seed)
        return (0..<count).map { _ in
            ResultFixtures.result([
                "a": [ResultFixtures.latency(ResultFixtures.noisy(1000, cv: 0.02, rng: &rng))],
                "b": [ResultFixtures.latency(ResultFixtures.noisy(500, cv: 0.02, rng: &rng))],
            ])
        }
    }

    /// Counting is exact on reports whose verdicts are known.
    @Test func countsFalseAlarmsAndDetections() {
        func comparison(_ benchmark: String, _ verdict: Verdict) -> MetricComparison {
            MetricComparison(
                benchmark: benchmark, metric: "p50", unit: "ns", direction: .lowerIsBetter, kind: .timing, baselineMedian: 1,
                currentMedian: 1, adjustedPValue: 0.01, baselineSamples: 10, currentSamples: 10, tolerance: 0.05, verdict: verdict)
        }
        func report(_ a: Verdict, _ b: Verdict) -> GateReport {
            GateReport(
                mode: .storedBaseline, baselineSource: "x", currentSource: "y", baselineCommit: nil, currentCommit: nil, scenario: "ci",
                profile: "test-2c", comparisons: [comparison("a", a), comparison("b", b)], targets: [], notes: [], alpha: 0.01)
        }
        let reports = [
            report(.regressed, .unchanged), report(.unchanged, .improved), report(.regressed, .regressed), report(.unchanged, .unchanged),
        ]
        let counts = ErrorRateStudy.count(reports, benchmark: "a")
        #expect(counts.falseAlarms.successes == 2 && counts.falseAlarms.trials == 4)
        #expect(counts.detections?.successes == 2)
        #expect(counts.gatedMetrics == 2)
        #expect(counts.offenders.map(\.name) == ["b p50 (timing)"] && counts.offenders.map(\.count) == [2])
    }

    /// A/A: identical runs raise few alarms; a synthetic 30 % slowdown of one benchmark is found in
    /// every comparison. The same seed gives the same counts.
    @Test func aaAndSyntheticSlowdown() throws {
        let runs = Self.runs(20, seed: 5)
        let aa = try ErrorRateStudy(runs: runs, comparisons: 40, rounds: 10, seed: 1, configuration: GateConfiguration()).run()
        #expect(aa.falseAlarms.successes <= 4, "\(aa.falseAlarms)")
        #expect(aa.detections == nil)
        let slowed = try ErrorRateStudy(
            runs: runs, benchmark: "a", syntheticSlowdown: 30, comparisons: 40, rounds: 10, seed: 1,
            configuration: GateConfiguration()
        ).run()
        #expect(slowed.detections?.successes == 40)
        let again = try ErrorRateStudy(
            runs: runs, benchmark: "a", syntheticSlowdown: 30, comparisons: 40, rounds: 10, seed: 1,
            configuration: GateConfiguration()
        ).run()
        #expect(again == slowed)
    }

    @Test func tooFewRunsIsAUsageError() {
        #expect(throws: PerfgateError.self) {
            try ErrorRateStudy(runs: Self.runs(3, seed: 1), comparisons: 1, rounds: 2, seed: 1, configuration: GateConfiguration()).run()
        }
    }
}
