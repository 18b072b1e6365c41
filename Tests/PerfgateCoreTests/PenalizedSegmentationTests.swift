import Foundation
import PerfgateCore
import PerfgateSupport
import PerfgateTestSupport
import Testing

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
}
