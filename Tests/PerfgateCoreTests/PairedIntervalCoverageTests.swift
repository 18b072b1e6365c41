import Foundation
import PerfgateCore
import PerfgateSupport
import PerfgateTestSupport
import Testing

/// The paired mode's per-look interval (Student's t on the log ratios) keeps its promised coverage
/// at the pair counts its first looks use, including at the small miscoverage levels the looks
/// spend, and with heavy-tailed noise. (The percentile bootstrap it replaced missed 24 times as
/// often as promised at 8 pairs.)
@Suite struct PairedIntervalCoverageTests {
    /// The fraction of `trials` intervals at `miscoverage` that miss the true mean, for `pairs` log
    /// ratios of standard deviation 0.03 drawn normal or Laplace.
    static func missRate(pairs: Int, miscoverage: Double, heavyTailed: Bool, trials: Int, seed: UInt64) throws -> Double {
        var rng = SplitMix64(seed: seed)
        let truth = 0.02
        var misses = 0
        var ratios = [Double](repeating: 0, count: pairs)
        for _ in 0..<trials {
            for i in 0..<pairs {
                var noise = ResultFixtures.gaussian(&rng)
                if heavyTailed {
                    let u = Double.random(in: Double.leastNonzeroMagnitude..<1, using: &rng)
                    noise = (rng.next() & 1 == 0 ? 1 : -1) * -log(u) / 2.0.squareRoot()
                }
                ratios[i] = truth + 0.03 * noise
            }
            let interval = try #require(PairedTTest(ratios)).interval(miscoverage: miscoverage)
            if !interval.contains(truth) { misses += 1 }
        }
        return Double(misses) / Double(trials)
    }

    @Test(arguments: [8, 16, 32]) func theIntervalCoversAsPromised(pairs: Int) throws {
        for heavyTailed in [false, true] {
            for (miscoverage, trials) in [(0.05, 8000), (0.002, 40_000)] {
                let rate = try Self.missRate(
                    pairs: pairs, miscoverage: miscoverage, heavyTailed: heavyTailed, trials: trials, seed: UInt64(pairs))
                #expect(
                    rate <= 1.5 * miscoverage,
                    "\(pairs) pairs, \(heavyTailed ? "Laplace" : "normal"): missed \(rate), nominal \(miscoverage)")
            }
        }
    }
}
