import Foundation

/// The Mann–Whitney U test (two-sided), as SciPy's `mannwhitneyu` computes it: the statistic is
/// U of the first sample; the p-value uses max(U₁, U₂) and is either exact (the null distribution
/// counted by dynamic programming) or the normal approximation with tie and continuity correction.
///
/// `auto` uses the exact distribution whenever there are no ties and both samples have at most 50
/// values. SciPy's own `auto` switches to the approximation above 8 values, but then 10 rounds
/// against 10 can never reach p below 1.8·10⁻⁴, while Holm over a suite of 144 metrics at α = 0.01
/// needs 7·10⁻⁵; the exact test reaches 1.1·10⁻⁵. (Tests check both methods against SciPy.)
public enum MannWhitneyU {
    /// How the p-value is computed: exactly (small samples without ties), by the normal approximation, or chosen by size.
    public enum Method: Sendable { case auto, exact, asymptotic }

    /// The U statistic of the first sample, its two-sided p-value, and the method used.
    public struct Result: Sendable, Equatable {
        /// U of the first sample.
        public var u: Double
        public var pValue: Double
        /// Whether the p-value came from the exact distribution.
        public var exact: Bool
    }

    /// `auto`: exact when there are no ties and both samples have at most 50 values.
    public static func test(_ x: [Double], _ y: [Double], method: Method = .auto) -> Result {
        let n1 = x.count
        let n2 = y.count
        precondition(n1 > 0 && n2 > 0)
        let (ranks, tieTerm) = MidRanks.of(x + y)
        let r1 = ranks.prefix(n1).reduce(0, +)
        let u1 = r1 - Double(n1 * (n1 + 1)) / 2
        let u2 = Double(n1 * n2) - u1
        let u = max(u1, u2)
        let hasTies = tieTerm > 0
        let useExact: Bool
        switch method {
        case .exact: useExact = true
        case .asymptotic: useExact = false
        case .auto: useExact = n1 <= 50 && n2 <= 50 && !hasTies
        }
        if useExact {
            return Result(u: u1, pValue: min(1, 2 * exactSurvival(u, n1, n2)), exact: true)
        }
        let n = Double(n1 + n2)
        let mu = Double(n1 * n2) / 2
        let variance = Double(n1 * n2) / 12 * ((n + 1) - tieTerm / (n * (n - 1)))
        guard variance > 0 else { return Result(u: u1, pValue: 1, exact: false) }
        let z = (u - mu - 0.5) / variance.squareRoot()
        return Result(u: u1, pValue: min(1, max(0, 2 * Distributions.normalSF(z))), exact: false)
    }

    /// P(U ≥ u) under the null for sample sizes n1, n2 (no ties), by counting arrangements.
    static func exactSurvival(_ u: Double, _ n1: Int, _ n2: Int) -> Double {
        let maxU = n1 * n2
        // counts[k][s]: arrangements of k of the first sample among the elements so far with U = s;
        // built element by element (the classic recurrence f(m, n, u) = f(m-1, n, u-n) + f(m, n-1, u)).
        var table = [[Double]](repeating: [Double](repeating: 0, count: maxU + 1), count: n1 + 1)
        table[0][0] = 1
        for j in 0...n2 {
            var next = [[Double]](repeating: [Double](repeating: 0, count: maxU + 1), count: n1 + 1)
            for m in 0...n1 {
                for s in 0...maxU {
                    var value = 0.0
                    if j == 0 {
                        value = (m == 0 && s == 0) ? 1 : 0
                    } else {
                        value = table[m][s]
                    }
                    if m > 0 && s >= j { value += next[m - 1][s - j] }
                    next[m][s] = value
                }
            }
            table = next
        }
        let distribution = table[n1]
        let total = distribution.reduce(0, +)
        let threshold = Int(u.rounded(.up))
        var tail = 0.0
        for s in max(0, threshold)...maxU { tail += distribution[s] }
        return tail / total
    }
}
