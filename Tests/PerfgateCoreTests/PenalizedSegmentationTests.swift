import Foundation
import PerfgateSupport
import PerfgateTestSupport
import Testing

@testable import PerfgateCore

/// The default change-point detector of `history --changes`, on seeded histories of rounds.
@Suite struct PenalizedSegmentationTests {
    /// `levels.count` commits of 5 rounds each around `levels[c]`, with a session effect per commit
    /// (`sessionNoise`) and round noise (`roundNoise`), both relative.
    static func history(_ levels: [Double], sessionNoise: Double = 0.01, roundNoise: Double = 0.02, seed: UInt64 = 1) -> [[Double]] {
        var rng = SplitMix64(seed: seed)
        return levels.map { level in
            let session = sessionNoise * ResultFixtures.gaussian(&rng)
            return (0..<5).map { _ in level * exp(session + roundNoise * ResultFixtures.gaussian(&rng)) }
        }
    }

    static func steps(_ segments: [(length: Int, level: Double)]) -> [Double] {
        segments.flatMap { [Double](repeating: $0.level, count: $0.length) }
    }

    @Test func aStepIsFoundAtItsCommitWithItsSize() throws {
        let history = Self.history(Self.steps([(60, 100), (60, 110)]))
        let points = PenalizedSegmentation().detect(history)
        let point = try #require(points.first)
        #expect(points.count == 1)
        #expect(abs(point.index - 60) <= 1)
        #expect(abs(point.change - 0.10) < 0.01)
        #expect(point.pValue < 1e-6)
    }

    @Test func severalStepsUpAndDown() {
        let history = Self.history(Self.steps([(40, 100), (40, 95), (40, 105), (40, 105 * 1.2)]), seed: 2)
        let indices = PenalizedSegmentation().detect(history).map(\.index)
        #expect(indices.count == 3, "\(indices)")
        for (found, truth) in zip(indices, [40, 80, 120]) { #expect(abs(found - truth) <= 2, "\(indices)") }
    }

    /// No level shift, over many seeds, noise levels and a few single-commit outliers (+30 % sessions):
    /// no change is reported.
    @Test func flatHistoriesWithSpikesHaveNoChange() {
        for seed in UInt64(1)...40 {
            let noise = [0.005, 0.01, 0.02][Int(seed % 3)]
            var history = Self.history([Double](repeating: 100, count: 150), sessionNoise: noise, seed: seed)
            for spike in [20, 77, 131] { history[spike] = history[spike].map { $0 * 1.3 } }
            #expect(PenalizedSegmentation().detect(history).isEmpty, "seed \(seed), noise \(noise)")
        }
    }

    /// The same history gives the same answer (no permutation test, no random numbers).
    @Test func itIsDeterministic() {
        let history = Self.history(Self.steps([(50, 100), (50, 103), (50, 97)]), sessionNoise: 0.005, seed: 9)
        let first = PenalizedSegmentation().detect(history)
        #expect(!first.isEmpty)
        #expect(PenalizedSegmentation().detect(history) == first)
    }

    /// A commit whose rounds scattered (a noisy session) weighs less than the others: a run of
    /// such commits shifted by 5 % does not make a level, while the same shift in ordinary commits does.
    @Test func noisySessionsWeighLess() {
        var ordinary = Self.history([Double](repeating: 100, count: 90), sessionNoise: 0.005, roundNoise: 0.01, seed: 4)
        var scattered = ordinary
        for c in 30..<36 {
            ordinary[c] = ordinary[c].map { $0 * 1.05 }
            // Rounds ×1, ×1.3, ×0.77, ×1, ×1.3: the median still moves by exactly 5 %.
            scattered[c] = scattered[c].enumerated().map { $0.element * 1.05 * [1.0, 1.3, 0.77][$0.offset % 3] }
        }
        #expect(!PenalizedSegmentation().detect(ordinary).isEmpty)
        #expect(PenalizedSegmentation().detect(scattered).isEmpty)
    }

    @Test func tooShortOrInvalidHistoriesHaveNoChange() {
        #expect(PenalizedSegmentation().detect(Self.history([100, 100, 200, 200, 200])).isEmpty)
        #expect(PenalizedSegmentation().detect([[1, 2], [], [1]]).isEmpty)
    }

    /// Functional pruning drops starts, never the optimum: on seeded histories (flat, steps,
    /// spikes, trends, noisy sessions; up to 400 commits) it finds exactly the change points of
    /// plain optimal partitioning, which tries every start at every commit.
    @Test func functionalPruningFindsTheExactOptimum() {
        for seed in UInt64(1)...60 {
            var rng = SplitMix64(seed: seed &* 7919)
            let n = 20 + Int(rng.next() % 380)
            var levels = [Double](repeating: 100, count: n)
            switch seed % 4 {
            case 0: break
            case 1: for c in n / 2..<n { levels[c] = 110 }
            case 2: for c in 0..<n { levels[c] = 100 * (1 + 0.0005 * Double(c)) }
            default: for c in 0..<n { levels[c] = [100, 104, 97, 103][(c * 4) / n] }
            }
            var history = Self.history(levels, sessionNoise: [0.002, 0.01, 0.03][Int(seed % 3)], seed: seed)
            if seed % 5 == 0 { history[n / 3] = history[n / 3].map { $0 * 1.4 } }
            let detector = PenalizedSegmentation(penalty: [4, 1, 0.3][Int(seed % 3)], minimumSegment: 1 + Int(seed % 4))
            let series = PenalizedSegmentation.Series(history.map { PenalizedSegmentation.CommitSummary(rounds: $0)! })
            #expect(detector.segment(series) == Self.exhaustive(series, detector), "seed \(seed), \(n) commits")
        }
    }

    /// Optimal partitioning without pruning: every admissible start at every commit.
    static func exhaustive(_ series: PenalizedSegmentation.Series, _ detector: PenalizedSegmentation) -> [Int] {
        let n = series.count
        let m = detector.minimumSegment
        let beta = detector.penalty * log(Double(n))
        var best = [Double](repeating: .infinity, count: n + 1)
        var previous = [Int](repeating: 0, count: n + 1)
        best[0] = -beta
        guard n >= m else { return [] }
        for t in m...n {
            for tau in 0...(t - m) where tau == 0 || tau >= m {
                let total = best[tau] + series.cost(tau, t) + beta
                if total < best[t] {
                    best[t] = total
                    previous[t] = tau
                }
            }
        }
        var points: [Int] = []
        var t = n
        while t > 0 {
            if previous[t] > 0 { points.append(previous[t]) }
            t = previous[t]
        }
        return points.reversed()
    }

    /// A history given as summaries gets the answer its rounds get.
    @Test func summariesGiveTheRoundsAnswer() throws {
        let history = Self.history(Self.steps([(50, 100), (50, 106), (50, 99)]), sessionNoise: 0.005, seed: 11)
        let fromRounds = PenalizedSegmentation().detect(history)
        #expect(fromRounds.count == 2)
        #expect(PenalizedSegmentation().detect(summaries: history.map { PenalizedSegmentation.CommitSummary(rounds: $0)! }) == fromRounds)
        let summary = try #require(PenalizedSegmentation.CommitSummary(rounds: [1, 4, 2]))
        #expect(abs(summary.logMedian - log(2)) < 1e-12)
        // var(log 1, log 4, log 2) = (ln 2)² (logs 0, 2 ln 2, ln 2), times π/2, over 3 rounds.
        #expect(abs(summary.ownVariance! - Double.pi / 2 * log(2) * log(2) / 3) < 1e-12)
        #expect(PenalizedSegmentation.CommitSummary(rounds: [5])?.ownVariance == nil)
        #expect(PenalizedSegmentation.CommitSummary(rounds: [1, 0]) == nil)
    }
}
