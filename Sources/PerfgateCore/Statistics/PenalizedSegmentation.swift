import Foundation

/// Change points in a metric's recorded history that use every round perfgate measured, not one
/// number per commit: `perfgate history --changes` by default.
///
/// **Model.** Commit c (oldest first) recorded rounds x_c1 … x_cn. Its level is y_c = log median(x_c);
/// y_c = μ(segment) + e_c with e_c ~ N(0, τ² + s_c²), where s_c² = (π/2) · var(log x_c) / n is
/// the median's own uncertainty from the commit's rounds and τ² the session-to-session variation
/// the rounds cannot show (rounds of one session share it). Both are estimated from the series:
/// the total per-commit variance robustly from the lag-one differences (1.4826 · MAD / √2, which a
/// few level shifts do not move), and τ² as that minus the typical s_c². A commit whose rounds
/// scattered more than typical (a noisy session) weighs less; none weighs more than typical, since
/// a handful of rounds estimates a small variance too roughly to trust.
///
/// **Spikes.** Each y_c is first clipped to within 3 of its own standard deviations of the median
/// of its five-commit neighbourhood: a single odd session cannot pose as a new level, while a
/// real step (which the running median follows exactly) passes untouched.
///
/// **Segmentation.** The change points minimise the weighted residual sum of squares plus a
/// penalty β = `penalty` · log n per change (optimal partitioning, pruned as in PELT — Killick,
/// Fearnhead & Eckley 2012 — so it runs in about linear time), with segments of at least
/// `minimumSegment` commits. Each change is then tested between its neighbouring segments
/// (weighted means, normal test); changes with p > `maxPValue` or a relative size below
/// `minMagnitude` are removed one at a time, weakest first, and their neighbours re-tested.
///
/// Deterministic: no permutations, no random numbers; the same history gives the same answer.
/// `scripts/changepoint_benchmark.sh` compares it with Apache Otava on seeded histories.
public struct PenalizedSegmentation: Sendable {
    /// The penalty per change point, in units of log n (of the standardised cost). The default, 4,
    /// was chosen on seeded histories (scripts/changepoint_benchmark.py, seeds 1 to 6): 3 let a few
    /// false changes through on histories without any, 5 lost true ones.
    public var penalty: Double
    /// The fewest commits a level must span.
    public var minimumSegment: Int
    /// The p-value a change must reach.
    public var maxPValue: Double
    /// The smallest relative change worth reporting.
    public var minMagnitude: Double

    public init(penalty: Double = 4, minimumSegment: Int = 3, maxPValue: Double = 0.001, minMagnitude: Double = 0) {
        self.penalty = penalty
        self.minimumSegment = max(1, minimumSegment)
        self.maxPValue = maxPValue
        self.minMagnitude = minMagnitude
    }

    /// Change points of a history given as each commit's rounds (oldest first; every round > 0, a
    /// commit without rounds is a gap the caller leaves out), in order of index.
    public func detect(_ commits: [[Double]]) -> [ChangePointDetector.ChangePoint] {
        let n = commits.count
        guard n >= 2 * minimumSegment, commits.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0 > 0 } }) else { return [] }
        let series = Series(commits)
        var points = segment(series)
        while !points.isEmpty {
            let tested = test(series, points)
            guard let weakest = tested.indices.max(by: { Self.weakness(tested[$0]) < Self.weakness(tested[$1]) }) else { break }
            let point = tested[weakest]
            if point.pValue <= maxPValue && point.magnitude >= minMagnitude { return tested }
            points.remove(at: weakest)
        }
        return []
    }

    /// The order in which failing changes are removed: the largest p-value, then the smallest size.
    private static func weakness(_ point: ChangePointDetector.ChangePoint) -> Double {
        point.pValue + 1e-9 / max(point.magnitude, 1e-12)
    }

    /// The commits as the cost needs them: clipped levels and weights, with prefix sums.
    struct Series {
        var levels: [Double]
        var weights: [Double]
        /// Prefix sums of w, w·y and w·y² (index i: the first i commits).
        var sumW: [Double]
        var sumWY: [Double]
        var sumWY2: [Double]

        init(_ commits: [[Double]]) {
            let n = commits.count
            var levels = [Double](repeating: 0, count: n)
            var own = [Double](repeating: .nan, count: n)
            for (c, rounds) in commits.enumerated() {
                let logs = rounds.map(log)
                levels[c] = log(Quantile.median(rounds) ?? rounds[0])
                if logs.count >= 2 {
                    let mean = logs.reduce(0, +) / Double(logs.count)
                    let variance = logs.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(logs.count - 1)
                    own[c] = Double.pi / 2 * variance / Double(logs.count)
                }
            }
            let known = own.filter { !$0.isNaN }.sorted()
            let typicalOwn = known.isEmpty ? 0 : known[known.count / 2]
            // Five rounds estimate a commit's own variance too roughly to trust a low one: a commit
            // weighs less when its rounds scattered more than typical, never more when less.
            for c in 0..<n { own[c] = own[c].isNaN ? typicalOwn : max(own[c], typicalOwn) }
            // Total per-commit variance from the lag-one differences, robustly.
            let differences = zip(levels.dropFirst(), levels).map { $0 - $1 }
            let centre = Quantile.median(differences) ?? 0
            let mad = Quantile.median(differences.map { abs($0 - centre) }) ?? 0
            var total = (1.4826 * mad) * (1.4826 * mad) / 2
            if !(total > 0) { total = max(typicalOwn, 1e-12) }
            let between = max(total - typicalOwn, 0.1 * total)
            let weights = own.map { 1 / (between + $0) }
            // Clip each level to within 3 standard deviations of its neighbourhood's median.
            var clipped = levels
            for c in 0..<n {
                let window = Array(levels[max(0, c - 2)...min(n - 1, c + 2)])
                let local = Quantile.median(window) ?? levels[c]
                let limit = 3 / weights[c].squareRoot()
                clipped[c] = min(max(levels[c], local - limit), local + limit)
            }
            self.levels = clipped
            self.weights = weights
            sumW = [0]
            sumWY = [0]
            sumWY2 = [0]
            for c in 0..<n {
                sumW.append(sumW[c] + weights[c])
                sumWY.append(sumWY[c] + weights[c] * clipped[c])
                sumWY2.append(sumWY2[c] + weights[c] * clipped[c] * clipped[c])
            }
        }

        var count: Int { levels.count }

        /// The weighted residual sum of squares of commits a..<b around their weighted mean.
        func cost(_ a: Int, _ b: Int) -> Double {
            let w = sumW[b] - sumW[a]
            let wy = sumWY[b] - sumWY[a]
            return max(0, sumWY2[b] - sumWY2[a] - wy * wy / w)
        }

        /// The weighted mean of commits a..<b and its variance.
        func mean(_ a: Int, _ b: Int) -> (mean: Double, variance: Double) {
            let w = sumW[b] - sumW[a]
            return ((sumWY[b] - sumWY[a]) / w, 1 / w)
        }
    }

    /// Optimal partitioning with PELT pruning: the change indices (first commit of each new level).
    func segment(_ series: Series) -> [Int] {
        let n = series.count
        let beta = penalty * log(Double(n))
        var best = [Double](repeating: .infinity, count: n + 1)
        var previous = [Int](repeating: 0, count: n + 1)
        best[0] = -beta
        var candidates: [Int] = []
        for t in minimumSegment...n {
            let admissible = t - minimumSegment
            if admissible == 0 || admissible >= minimumSegment { candidates.append(admissible) }
            var value = Double.infinity
            var argument = 0
            for tau in candidates {
                let total = best[tau] + series.cost(tau, t) + beta
                if total < value {
                    value = total
                    argument = tau
                }
            }
            best[t] = value
            previous[t] = argument
            // A start that cannot beat the best even before paying for its change never will.
            candidates.removeAll { best[$0] + series.cost($0, t) > value }
        }
        var points: [Int] = []
        var t = n
        while t > 0 {
            let tau = previous[t]
            if tau > 0 { points.append(tau) }
            t = tau
        }
        return points.reversed()
    }

    /// Each change tested between the segments its neighbours leave.
    func test(_ series: Series, _ points: [Int]) -> [ChangePointDetector.ChangePoint] {
        points.enumerated().map { k, index in
            let left = k == 0 ? 0 : points[k - 1]
            let right = k == points.count - 1 ? series.count : points[k + 1]
            let before = series.mean(left, index)
            let after = series.mean(index, right)
            let z = (after.mean - before.mean) / (before.variance + after.variance).squareRoot()
            return ChangePointDetector.ChangePoint(
                index: index, pValue: 2 * Distributions.normalSF(abs(z)), change: exp(after.mean - before.mean) - 1,
                meanBefore: exp(before.mean), meanAfter: exp(after.mean))
        }
    }
}
