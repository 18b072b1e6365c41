import Foundation

/// The Wilcoxon signed-rank test (two-sided) on paired differences, as SciPy's `wilcoxon` with
/// its defaults computes it: zero differences dropped, exact null distribution when at most 50
/// differences remain and none are tied, else the normal approximation with tie correction and
/// no continuity correction.
public enum WilcoxonSignedRank {
    /// The W+ statistic, its two-sided p-value and the method used.
    public struct Result: Sendable, Equatable {
        /// min(W⁺, W⁻), SciPy's statistic for the two-sided test.
        public var statistic: Double
        public var pValue: Double
        public var exact: Bool
    }

    /// The signed-rank test that the paired `differences` are centred on zero (zeros dropped, ties averaged).
    public static func test(_ differences: [Double], method: MannWhitneyU.Method = .auto) -> Result {
        let d = differences.filter { $0 != 0 }
        let n = d.count
        guard n > 0 else { return Result(statistic: 0, pValue: 1, exact: false) }
        let (ranks, tieTerm) = MidRanks.of(d.map(abs))
        var plus = 0.0
        for (k, value) in d.enumerated() where value > 0 { plus += ranks[k] }
        let total = Double(n * (n + 1)) / 2
        let statistic = min(plus, total - plus)
        let useExact: Bool
        switch method {
        case .exact: useExact = true
        case .asymptotic: useExact = false
        case .auto: useExact = n <= 50 && tieTerm == 0
        }
        if useExact {
            // Number of subsets of {1…n} with each sum (the null distribution of W⁺).
            let maxSum = n * (n + 1) / 2
            var counts = [Double](repeating: 0, count: maxSum + 1)
            counts[0] = 1
            for k in 1...n {
                for s in stride(from: maxSum, through: k, by: -1) { counts[s] += counts[s - k] }
            }
            let all = pow(2.0, Double(n))
            var cdf = 0.0
            for s in 0...Int(statistic.rounded(.down)) { cdf += counts[s] }
            return Result(statistic: statistic, pValue: min(1, 2 * cdf / all), exact: true)
        }
        let mean = total / 2
        let variance = Double(n * (n + 1) * (2 * n + 1)) / 24 - tieTerm / 48
        guard variance > 0 else { return Result(statistic: statistic, pValue: 1, exact: false) }
        let z = (statistic - mean) / variance.squareRoot()
        return Result(statistic: statistic, pValue: min(1, 2 * Distributions.normalCDF(-abs(z))), exact: false)
    }
}
