import Foundation

/// Student's one-sample t on the per-pair log ratios log(head / base): the paired mode's single
/// estimand (the mean log ratio, reported as the geometric-mean change exp(mean) − 1), its
/// intervals and its one-sided tests against the tolerance.
///
/// Why t: log ratios of round summaries are close to normal, the t interval has its nominal
/// coverage from a handful of pairs (a percentile bootstrap at 8 pairs missed 24 times as often as
/// it promised at the paired mode's levels), and test and interval come from one formula, so a
/// verdict read off the interval is the test's.
public struct PairedTTest: Sendable, Equatable {
    /// Pairs (n).
    public let count: Int
    /// Mean log ratio.
    public let mean: Double
    /// Sample standard deviation of the log ratios (n − 1 in the denominator).
    public let standardDeviation: Double

    /// The test of `logRatios`; nil with fewer than 2 or a non-finite value.
    public init?(_ logRatios: [Double]) {
        guard logRatios.count >= 2, logRatios.allSatisfy(\.isFinite) else { return nil }
        let n = logRatios.count
        let mean = logRatios.reduce(0, +) / Double(n)
        count = n
        self.mean = mean
        standardDeviation = (logRatios.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n - 1)).squareRoot()
    }

    public var standardError: Double { standardDeviation / Double(count).squareRoot() }
    public var degreesOfFreedom: Double { Double(count - 1) }

    /// The two-sided interval of the mean log ratio that misses it with probability `miscoverage`
    /// (half on each side): mean ± t(1 − miscoverage/2, n − 1) · se.
    public func interval(miscoverage: Double) -> ClosedRange<Double> {
        let halfWidth = Distributions.studentTQuantile(1 - miscoverage / 2, df: degreesOfFreedom) * standardError
        return (mean - halfWidth)...(mean + halfWidth)
    }

    /// One-sided p-value of H0: true mean ≤ `bound`, against a mean above it.
    public func pValue(above bound: Double) -> Double {
        guard standardError > 0 else { return mean > bound ? 0 : 1 }
        return Distributions.studentTSF((mean - bound) / standardError, df: degreesOfFreedom)
    }

    /// One-sided p-value of H0: true mean ≥ `bound`, against a mean below it.
    public func pValue(below bound: Double) -> Double {
        guard standardError > 0 else { return mean < bound ? 0 : 1 }
        return Distributions.studentTSF((bound - mean) / standardError, df: degreesOfFreedom)
    }

    /// Two-sided p-value of H0: true mean = 0 (the paired t-test, as `scipy.stats.ttest_1samp`).
    public var pValue: Double {
        guard standardError > 0 else { return mean == 0 ? 1 : 0 }
        return Distributions.studentTTwoSided(mean / standardError, df: degreesOfFreedom)
    }
}
