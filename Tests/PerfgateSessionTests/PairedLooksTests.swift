import Foundation
import PerfgateCore
import PerfgateSession
import PerfgateSupport
import PerfgateTestSupport
import Testing

/// The adaptive look loop of `compare --against`, on synthetic pairs: no build, no measurement.
@Suite struct PairedLooksTests {
    /// Pairs of benchmarks' `p50` (by default one, `x`), base around 1000 and head around
    /// 1000 × the benchmark's factor, with noise `cv` shared by both sides of a pair (as one
    /// session's drift is) plus a little of each side's own. Each benchmark's pair "takes"
    /// `secondsPerPair`; narrowing stops the benchmarks left out.
    final class SyntheticRounds: PairedRounds {
        var pairs = 0
        var measuredSeconds = 0.0
        let factors: [String: Double]
        let secondsPerPairCost: Double
        /// Seconds a pair of each benchmark takes, when they differ (default: `secondsPerPairCost` each).
        var costs: [String: Double] = [:]
        var rng: SplitMix64
        var a: [String: [Double]] = [:]
        var b: [String: [Double]] = [:]
        var active: Set<String>?

        init(factor: Double, secondsPerPair: Double = 1, seed: UInt64 = 3) {
            self.factors = ["x": factor]
            secondsPerPairCost = secondsPerPair
            rng = SplitMix64(seed: seed)
        }

        init(factors: [String: Double], seed: UInt64 = 3) {
            self.factors = factors
            secondsPerPairCost = 1
            rng = SplitMix64(seed: seed)
        }

        func runPairs(_ count: Int, progress: (Int, String) -> Void) throws {
            for _ in 0..<count {
                for (id, factor) in factors.sorted(by: { $0.key < $1.key }) where active?.contains(id) ?? true {
                    let session = ResultFixtures.noisy(1000, cv: 0.05, n: 1, rng: &rng)[0]
                    a[id, default: []].append(session * ResultFixtures.noisy(1, cv: 0.005, n: 1, rng: &rng)[0])
                    b[id, default: []].append(session * factor * ResultFixtures.noisy(1, cv: 0.005, n: 1, rng: &rng)[0])
                    progress(pairs, id)
                    measuredSeconds += costs[id] ?? secondsPerPairCost
                }
                pairs += 1
            }
        }

        func results() -> (a: [BenchmarkResult], b: [BenchmarkResult]) {
            func side(_ samples: [String: [Double]]) -> [BenchmarkResult] {
                factors.keys.sorted().map {
                    BenchmarkResult(id: $0, tags: ["operations": "1000"], metrics: [ResultFixtures.latency(samples[$0] ?? [])])
                }
            }
            return (side(a), side(b))
        }

        func narrow(to benchmarks: Set<String>) { active = benchmarks }

        func secondsPerPair(of benchmark: String) -> Double? { costs.isEmpty ? nil : costs[benchmark] }
    }

    private func run(
        _ rounds: SyntheticRounds, budget: Double = 10_000, maxPairs: Int = 512, focus: Set<String>? = nil, priority: [String] = []
    ) throws -> PairedLooks.Outcome {
        var looks = PairedLooks(configuration: GateConfiguration(), initialPairs: 8, step: 4, maxPairs: maxPairs, budgetSeconds: budget)
        looks.focus = focus
        looks.priority = priority
        return try looks.run(
            rounds,
            report: { look, base, head in
                looks.analysis.compare(
                    base: ResultFixtures.result(Dictionary(uniqueKeysWithValues: base.map { ($0.id, $0.metrics) })),
                    head: ResultFixtures.result(Dictionary(uniqueKeysWithValues: head.map { ($0.id, $0.metrics) })),
                    baseSource: "a", headSource: "b", look: look)
            })
    }

    /// A 10 % slowdown under 5 % session noise: the pairs cancel the session, so the first look decides it.
    @Test func aClearSlowdownIsDecidedAtTheFirstLook() throws {
        let outcome = try run(SyntheticRounds(factor: 1.10))
        #expect(outcome.stop == .decided)
        #expect(outcome.looks == 1)
        #expect(outcome.report.comparisons.first { $0.metric == "p50" }?.verdict == .regressed)
        #expect(outcome.report.notes.last?.contains("stopped: every gated metric decided") == true)
    }

    /// No change: decided as unchanged once the interval fits inside the tolerance.
    @Test func noChangeEndsUnchanged() throws {
        let outcome = try run(SyntheticRounds(factor: 1.0))
        #expect(outcome.stop == .decided)
        #expect(outcome.report.comparisons.first { $0.metric == "p50" }?.verdict == .unchanged)
    }

    /// A change right at the tolerance (3 %) cannot be called: the loop stops at the pair cap, or before the
    /// look that would pass the budget, and says which and what it reached.
    @Test func anUndecidableChangeStopsAtTheCapOrTheBudget() throws {
        let capped = try run(SyntheticRounds(factor: 1.03), maxPairs: 16)
        #expect(capped.stop == .pairCap(16))
        #expect(capped.looks == 2)
        let rounds = SyntheticRounds(factor: 1.03, secondsPerPair: 2)
        let budgeted = try run(rounds, budget: 40)
        // 8 pairs (16 s), then 16 (32 s); the next look (32 pairs, 32 s more) would pass 40 s.
        #expect(budgeted.stop == .budget(nextPairs: 32, seconds: 32, budget: 40))
        #expect(rounds.pairs == 16)
        #expect(budgeted.report.notes.last?.contains("would pass the 40 s budget") == true)
    }

    /// A confirmation focuses on the flagged metric. A change of −2.5 % sits too close to the 3 %
    /// tolerance for "unchanged" (or "improved") to be decided soon, but the first look already
    /// rules out a regression: the confirmation stops there, and the metric can no longer fail.
    @Test func aConfirmationStopsOnceTheFlaggedMetricIsRuledOut() throws {
        let focused = SyntheticRounds(factor: 0.975)
        let outcome = try run(focused, focus: ["x p50"])
        #expect(outcome.stop == .settled)
        #expect(focused.pairs == 8)
        let p50 = try #require(outcome.report.comparisons.first { $0.metric == "p50" })
        #expect(p50.verdict == .inconclusive && PairedAnalysis.rulesOutRegression(p50))
        #expect(p50.reason?.hasPrefix("not confirmed: the paired interval puts it at worst") == true)
        #expect(outcome.report.notes.last?.contains("every flagged metric confirmed or ruled out") == true)
        // Without the focus, the loop goes on trying to decide it.
        let unfocused = SyntheticRounds(factor: 0.975)
        _ = try run(unfocused)
        #expect(unfocused.pairs > 8)
        // A real slowdown in the focused metric is still confirmed.
        let slowed = try run(SyntheticRounds(factor: 1.10), focus: ["x p50"])
        #expect(slowed.report.comparisons.first { $0.metric == "p50" }?.verdict == .regressed)
    }

    /// A confirmation of two flagged benchmarks: `y` (no change) is ruled out at the first look, so
    /// later pairs run only `x` (+4.5 %, which takes more pairs to call against the 3 % tolerance).
    @Test func aConfirmationStopsRunningWhatItHasSettled() throws {
        let rounds = SyntheticRounds(factors: ["x": 1.045, "y": 1.0])
        let outcome = try run(rounds, focus: ["x p50", "y p50"])
        #expect(outcome.stop == .settled)
        #expect(rounds.b["y"]?.count == 8)
        #expect((rounds.b["x"]?.count ?? 0) > 8)
        #expect(outcome.report.comparisons.first { $0.benchmark == "x" }?.verdict == .regressed)
        #expect(outcome.report.comparisons.first { $0.benchmark == "y" }.map(PairedAnalysis.isSettled) == true)
        #expect(outcome.report.notes.last?.contains("the last looks ran only the 1 benchmark(s) still to settle") == true)
    }

    /// Three flagged benchmarks that cannot be settled (each +3 %, right at the 3 % tolerance): `slow`
    /// costs 10 s a pair, `x` and `y` 1 s. With a 300 s budget the looks cannot run all three
    /// beyond 16 pairs (192 s), so the next looks run those that fit in priority order: `x` first;
    /// `slow`, next in priority, does not fit, and `y`, cheaper, does — up to 64 pairs (288 s).
    /// `slow` is named as left unsettled. Without a priority the loop stops at the budget with
    /// every benchmark at 16 pairs.
    @Test func aLookThatCannotRunEverythingRunsTheMostImportantThatFit() throws {
        func rounds() -> SyntheticRounds {
            let rounds = SyntheticRounds(factors: ["x": 1.03, "y": 1.03, "slow": 1.03])
            rounds.costs = ["x": 1, "y": 1, "slow": 10]
            return rounds
        }
        let focus: Set<String> = ["x p50", "y p50", "slow p50"]
        let prioritised = rounds()
        let outcome = try run(prioritised, budget: 300, maxPairs: 128, focus: focus, priority: ["x", "slow", "y"])
        #expect(prioritised.b["slow"]?.count == 16)
        #expect(prioritised.b["x"]?.count == 64)
        #expect(prioritised.b["y"]?.count == 64)
        #expect(prioritised.measuredSeconds == 288)
        #expect(outcome.stop == .budget(nextPairs: 128, seconds: 768, budget: 300))
        #expect(outcome.report.notes.last?.contains("left unsettled to stay within the budget") == true)
        #expect(outcome.report.notes.last?.contains(": slow") == true)
        let unprioritised = rounds()
        let stopped = try run(unprioritised, budget: 300, maxPairs: 128, focus: focus)
        #expect(unprioritised.b.values.allSatisfy { $0.count == 16 })
        #expect(stopped.stop == .budget(nextPairs: 32, seconds: 192, budget: 300))
    }
}
