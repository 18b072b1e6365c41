import Foundation
import PerfgateCore
import PerfgateSupport
import PerfgateTestSupport
import Testing

/// `perfgate calibrate`'s figures mean what they say: a true change equal to a metric's MDE is
/// called regressed in about 80 % of paired comparisons of as many pairs at the same level.
@Suite struct CalibrationTests {
    /// A/A pairs of two metrics, one quiet (log-ratio sd 1 %) and one noisy (5 %).
    static func sides(pairs: Int, rng: inout SplitMix64) -> (a: [BenchmarkResult], b: [BenchmarkResult]) {
        var quietA: [Double] = []
        var quietB: [Double] = []
        var noisyA: [Double] = []
        var noisyB: [Double] = []
        for _ in 0..<pairs {
            quietA.append(1000)
            quietB.append(1000 * exp(0.01 * ResultFixtures.gaussian(&rng)))
            noisyA.append(1000)
            noisyB.append(1000 * exp(0.05 * ResultFixtures.gaussian(&rng)))
        }
        func side(_ quiet: [Double], _ noisy: [Double]) -> [BenchmarkResult] {
            [BenchmarkResult(id: "x", metrics: [ResultFixtures.latency(quiet), ResultFixtures.latency(noisy, name: "p99")])]
        }
        return (side(quietA, noisyA), side(quietB, noisyB))
    }

    @Test func theMinimumDetectableEffectIsCaughtFourTimesInFive() throws {
        var rng = SplitMix64(seed: 5)
        let pairs = 16
        let (a, b) = Self.sides(pairs: pairs, rng: &rng)
        let calibration = Calibration.compute(a: a, b: b, scenario: "ci", profile: "p", pairs: pairs, alpha: 0.01)
        #expect(calibration.entries.count == 2)
        let quiet = try #require(calibration.entries.first { $0.metric == "p50" })
        let noisy = try #require(calibration.entries.first { $0.metric == "p99" })
        #expect(noisy.minimumDetectableEffect > quiet.minimumDetectableEffect)
        #expect(calibration.proposedPairedTolerance >= 0.02 && calibration.proposedPairedTolerance <= 0.10)
        #expect(calibration.summary().contains("80 % power"))
        // Simulate comparisons of 16 pairs whose true change is the quiet metric's MDE, with the
        // noise the calibration measured, at its level (α over its 2 metrics): about 80 % regressed.
        let tolerance = calibration.proposedPairedTolerance
        let truth = log1p(quiet.minimumDetectableEffect)
        var caught = 0
        let runs = 2000
        for _ in 0..<runs {
            let ratios = (0..<pairs).map { _ in truth + quiet.logRatioStd * ResultFixtures.gaussian(&rng) }
            let interval = try #require(PairedTTest(ratios)).interval(miscoverage: calibration.alpha / 2)
            if interval.lowerBound > log1p(tolerance) { caught += 1 }
        }
        let power = Double(caught) / Double(runs)
        #expect(abs(power - 0.8) < 0.03, "power at the MDE: \(power)")
    }
}
