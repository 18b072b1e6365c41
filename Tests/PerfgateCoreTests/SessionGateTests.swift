import Foundation
import PerfgateSupport
import PerfgateTestSupport
import Testing

@testable import PerfgateCore

/// The stored-baseline gate with the session as the unit: baselines of several sessions, the
/// controls that measure the machine, and what a report says when the machine moved.
@Suite struct SessionGateTests {
    /// One session: `rounds` rounds around `level` with small round noise.
    static func session(_ level: Double, seed: UInt64, benchmark: String = "wal.x", tags: [String: String] = ["operations": "10000"])
        -> ResultFile
    {
        var rng = SplitMix64(seed: seed)
        var result = ResultFixtures.result([
            "\(benchmark)": [ResultFixtures.latency(ResultFixtures.noisy(level, cv: 0.01, n: 20, rng: &rng))]
        ])
        result.benchmarks[0].tags = tags
        return result
    }

    /// Sessions of the same code that differ by ±5 % as whole sessions (a busy neighbour, a
    /// colder cache): pooling rounds, one session's level looks like a significant +6 % change.
    /// Judged as a session against five sessions, it is within what sessions do.
    @Test func aSessionWithinTheBaselinesSessionsIsNotARegression() throws {
        let levels = [1000.0, 1050, 960, 1020, 985]
        let sessions = levels.enumerated().map { (result: Self.session($0.element, seed: UInt64($0.offset + 1)), source: "s\($0.offset)") }
        let baseline = try BaselineSessions.merge(sessions)
        #expect(baseline.benchmarks[0].metrics[0].sessionMedians?.count == 5)
        #expect(baseline.benchmarks[0].metrics[0].samples.count == 100)
        let current = Self.session(1060, seed: 99)
        let judged = Comparator(configuration: GateConfiguration())
            .compare(baseline: baseline, current: current, baselineSource: "b", currentSource: "c")
        let c = try #require(judged.comparisons.first)
        #expect(c.baselineSessions == 5)
        #expect(c.verdict != .regressed, "\(c.explanation)")
        #expect(judged.notes.contains { $0.contains("holds 5 independent sessions") })
        // The same current session against one of those sessions alone (rounds pooled) is called regressed.
        let single = Comparator(configuration: GateConfiguration())
            .compare(baseline: sessions[0].result, current: current, baselineSource: "b", currentSource: "c")
        #expect(single.comparisons.first?.verdict == .regressed)
        #expect(single.notes.contains { $0.hasPrefix("the baseline holds one session") })
    }

    /// A real slowdown well beyond what sessions do is still called.
    @Test func aSlowdownBeyondTheSessionsIsARegression() throws {
        let sessions = [1000.0, 1020, 990, 1010].enumerated().map {
            (result: Self.session($0.element, seed: UInt64($0.offset + 1)), source: "s")
        }
        let judged = Comparator(configuration: GateConfiguration())
            .compare(
                baseline: try BaselineSessions.merge(sessions), current: Self.session(1300, seed: 7), baselineSource: "b",
                currentSource: "c")
        #expect(judged.comparisons.first?.verdict == .regressed)
    }

    /// Against three sessions the t test has 2 degrees of freedom: a clear 8 % slowdown cannot
    /// clear Holm's level across a suite, so a screen flags on the metric's own test instead and
    /// leaves the decision to the paired confirmation.
    @Test func aScreenFlagsOnTheMetricsOwnTest() throws {
        let sessions = [1000.0, 1004, 997].enumerated().map { (result: Self.session($0.element, seed: UInt64($0.offset + 1)), source: "s") }
        let baseline = try BaselineSessions.merge(sessions)
        // 40 other metrics that did not move make Holm's correction bite, as in a real suite.
        var current = Self.session(1080, seed: 9)
        var withOthers = baseline
        for i in 0..<40 {
            let other = Self.session(500, seed: UInt64(100 + i), benchmark: "wal.other\(i)")
            current.benchmarks += other.benchmarks
            var merged = try BaselineSessions.merge([
                (other, "o1"), (Self.session(502, seed: UInt64(200 + i), benchmark: "wal.other\(i)"), "o2"),
                (Self.session(499, seed: UInt64(300 + i), benchmark: "wal.other\(i)"), "o3"),
            ])
            merged.run = withOthers.run
            withOthers.benchmarks += merged.benchmarks
        }
        func verdict(screening: Bool) -> Verdict? {
            Comparator(configuration: GateConfiguration(), screening: screening)
                .compare(baseline: withOthers, current: current, baselineSource: "b", currentSource: "c")
                .comparisons.first { $0.benchmark == "wal.x" }?.verdict
        }
        #expect(verdict(screening: false) != .regressed, "Holm across 41 metrics with 2 degrees of freedom")
        #expect(verdict(screening: true) == .regressed)
    }

    /// A session with the code at `code` and the controls at `machine` (the CPU control) and
    /// `disk` (a write control; the same as `machine` when not given).
    static func withControls(_ code: Double, _ machine: Double, disk: Double? = nil, seed: UInt64) -> ResultFile {
        let control = ["operations": "10000", "role": "control"]
        var result = Self.session(code, seed: seed)
        result.benchmarks += Self.session(machine, seed: seed + 100, benchmark: "raw.cpu/splitmix", tags: control).benchmarks
        result.benchmarks += Self.session(disk ?? machine, seed: seed + 200, benchmark: "floor.sync.single/64B", tags: control).benchmarks
        return result
    }

    /// Controls (no code under test) that moved put the machine first in the report and change
    /// the advice; they are never gated themselves.
    @Test func controlsThatMoveSayTheMachineMoved() throws {
        let run = Self.withControls
        let report = Comparator(configuration: GateConfiguration())
            .compare(baseline: run(1000, 500, nil, 1), current: run(1400, 700, nil, 2), baselineSource: "b", currentSource: "c")
        let environment = try #require(report.environment)
        #expect(abs(environment.slowdown - 0.4) < 0.03)
        #expect(environment.controls == ["floor.sync.single/64B p50", "raw.cpu/splitmix p50"])
        #expect(report.comparisons.first { $0.benchmark == "raw.cpu/splitmix" }?.verdict == .notGated)
        #expect(report.comparisons.first { $0.benchmark == "raw.cpu/splitmix" }?.gating == .control)
        #expect(report.advice.contains("the machine itself was slower"))
        #expect(MarkdownRenderer().render(report).contains("**The machine moved.** The machine was 39.8 % slower than when the baseline"))
        #expect(TerminalRenderer(colour: false).render(report).contains("the machine moved: The machine was"))
        let quiet = Comparator(configuration: GateConfiguration())
            .compare(baseline: run(1000, 500, nil, 1), current: run(1400, 500, nil, 2), baselineSource: "b", currentSource: "c")
        #expect(quiet.environment == nil)
        #expect(quiet.advice.hasPrefix("reproduce with `perfgate compare --against <base>`"))
    }

    /// The shift keeps its most-slowed control: what the machine alone could explain.
    @Test func theShiftKeepsItsMostSlowedControl() throws {
        let shift = try #require(
            Comparator(configuration: GateConfiguration())
                .compare(
                    baseline: Self.withControls(1000, 500, disk: 500, seed: 1), current: Self.withControls(1000, 650, disk: 800, seed: 2),
                    baselineSource: "b", currentSource: "c"
                )
                .environment)
        // Both controls' p50 moved (+30 %, +60 %): the largest is the p50 bound.
        let largest = try #require(shift.largestSlowdowns?["p50"])
        #expect(abs(largest - 0.6) < 0.05)
        #expect(shift.slowdown < largest)
        // Up to twice its slowdown on the log scale: (1 + largest)² − 1.
        let doubled = (1 + largest) * (1 + largest) - 1
        #expect(shift.explains(worse: doubled - 0.01, metric: "p50") && !shift.explains(worse: doubled + 0.01, metric: "p50"))
        #expect(!EnvironmentShift(slowdown: -0.3, controls: [], largestSlowdowns: ["p50": -0.4]).explains(worse: 0.01, metric: "p50"))
        // Central statistics explain one another (a throughput, a cost per GB); a tail is explained by
        // the same tail only, of a control or of the baseline's code re-measured now.
        #expect(shift.explains(worse: doubled - 0.01, metric: "throughput") && shift.explains(worse: 0.5, metric: "recovery"))
        #expect(!shift.explains(worse: 0.1, metric: "p99"))
        #expect(shift.explains(worse: 0.1, metric: "p99", measured: ["p99": 0.2, "max": 30]))
        #expect(!shift.explains(worse: 0.1, metric: "p99", measured: ["max": 30]))
    }

    /// "How much slower" reads a latency's change as it is and a throughput's as its inverse.
    @Test func aSlowdownIsMoreTimeWhicheverWayTheMetricImproves() {
        #expect(MetricDirection.lowerIsBetter.slowdown(ofChange: 0.3) == 0.3)
        #expect(abs(MetricDirection.higherIsBetter.slowdown(ofChange: -0.2) - 0.25) < 1e-12)
        #expect(abs(MetricDirection.higherIsBetter.slowdown(ofChange: 0.25) + 0.2) < 1e-12)
    }

    /// One control alone does not make the machine move (on a quiet machine the fsync control
    /// alone moved 17–34 % in 6 of 8 unchanged-code runs), nor do two that moved opposite ways.
    @Test func oneControlAloneIsNotTheMachine() throws {
        let run = Self.withControls
        func environment(_ machine: Double, disk: Double) -> EnvironmentShift? {
            Comparator(configuration: GateConfiguration())
                .compare(baseline: run(1000, 500, 500, 1), current: run(1000, machine, disk, 2), baselineSource: "b", currentSource: "c")
                .environment
        }
        #expect(environment(500, disk: 650) == nil)
        #expect(environment(650, disk: 500) == nil)
        #expect(environment(650, disk: 380) == nil)
        let both = try #require(environment(650, disk: 650))
        #expect(abs(both.slowdown - 0.3) < 0.03)
        let faster = try #require(environment(400, disk: 400))
        #expect(faster.slowdown < -0.15)
        #expect(faster.sentence.hasPrefix("The machine was 2"))
        #expect(faster.sentence.contains("faster than when the baseline was measured"))
    }

    /// An absolute target fails the build only when this change made it fail: a target the
    /// baseline misses too, or one measured while the controls show the machine slower, is
    /// reported (under the targets to watch) and says why, but does not fail.
    @Test func aTargetFailsTheBuildOnlyWhenThisChangeMadeItFail() throws {
        var configuration = GateConfiguration()
        configuration.targets = [
            try JSONDecoder().decode(
                GateConfiguration.Target.self,
                from: Data(#"{"name": "x", "benchmark": "wal.x", "metric": "p50", "max": 1100, "unit": "ns", "severity": "fail"}"#.utf8))
        ]
        func report(baseline: Double, current: Double, machine: Double? = nil) -> GateReport {
            Comparator(configuration: configuration)
                .compare(
                    baseline: Self.withControls(baseline, 500, seed: 1), current: Self.withControls(current, machine ?? 500, seed: 2),
                    baselineSource: "b", currentSource: "c")
        }
        let caused = report(baseline: 1000, current: 1200)
        #expect(caused.failedTargets.count == 1)
        #expect(caused.outcome == .regression)
        let inherited = report(baseline: 1200, current: 1200)
        #expect(inherited.failedTargets.isEmpty && inherited.outcome != .regression)
        #expect(inherited.warnedTargets.first?.explanation.contains("the baseline misses it too") == true)
        let machine = report(baseline: 1000, current: 1200, machine: 800)
        #expect(machine.environment != nil)
        #expect(machine.failedTargets.isEmpty)
        #expect(machine.warnedTargets.count == 1)
    }

    /// A baseline is built from sessions of one scenario and profile, all from commits.
    @Test func sessionsMustAgreeOnScenarioAndProfile() throws {
        var other = Self.session(1000, seed: 2)
        other.run.scenario = "quick"
        #expect {
            try BaselineSessions.merge([(Self.session(1000, seed: 1), "a.json"), (other, "b.json")])
        } throws: { error in
            (error as? PerfgateError)?.message.hasPrefix("b.json: run.scenario: is quick") == true
        }
        var dirty = Self.session(1000, seed: 3)
        dirty.run.dirty = true
        #expect(throws: PerfgateError.self) { try BaselineSessions.merge([(Self.session(1000, seed: 1), "a"), (dirty, "d")]) }
    }
}
