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
        guard commits.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0 > 0 } }) else { return [] }
        return detect(summaries: commits.map { CommitSummary(rounds: $0)! })
    }

    /// Change points of a history given as each commit's ``CommitSummary`` (oldest first): the
    /// same answer as ``detect(_:)`` on the rounds they summarise, without keeping the rounds
    /// (the history dashboard caches summaries, not the millions of rounds behind them).
    public func detect(summaries: [CommitSummary]) -> [ChangePointDetector.ChangePoint] {
        guard summaries.count >= 2 * minimumSegment else { return [] }
        let series = Series(summaries)
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

    /// What the detector needs of one commit's rounds: the log of their median (its level) and
    /// (π/2) · var(log rounds) / n, the median's own variance (nil with fewer than two rounds).
    public struct CommitSummary: Sendable, Hashable {
        public var logMedian: Double
        public var ownVariance: Double?

        public init(logMedian: Double, ownVariance: Double?) {
            self.logMedian = logMedian
            self.ownVariance = ownVariance
        }

        /// The summary of `rounds`; nil when there are none or one is not positive.
        public init?(rounds: [Double]) {
            guard !rounds.isEmpty, rounds.allSatisfy({ $0 > 0 }), let median = Quantile.median(rounds) else { return nil }
            logMedian = log(median)
            guard rounds.count >= 2 else {
                ownVariance = nil
                return
            }
            var sum = 0.0
            for x in rounds { sum += log(x) }
            let mean = sum / Double(rounds.count)
            var squares = 0.0
            for x in rounds { squares += (log(x) - mean) * (log(x) - mean) }
            ownVariance = Double.pi / 2 * (squares / Double(rounds.count - 1)) / Double(rounds.count)
        }
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

        init(_ commits: [CommitSummary]) {
            let n = commits.count
            let levels = commits.map(\.logMedian)
            var own = commits.map { $0.ownVariance ?? .nan }
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
                let local = Self.median(levels[max(0, c - 2)...min(n - 1, c + 2)])
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

        /// The median of at most five values (a neighbourhood), without allocating: insertion
        /// sort on the stack, halfway between the middle two for an even count, as ``Quantile/median(_:)`` computes it.
        static func median(_ values: ArraySlice<Double>) -> Double {
            var sorted: (Double, Double, Double, Double, Double) = (0, 0, 0, 0, 0)
            return withUnsafeMutableBytes(of: &sorted) { raw in
                let buffer = raw.bindMemory(to: Double.self)
                var count = 0
                for value in values.prefix(5) {
                    var i = count
                    while i > 0 && buffer[i - 1] > value {
                        buffer[i] = buffer[i - 1]
                        i -= 1
                    }
                    buffer[i] = value
                    count += 1
                }
                return count % 2 == 1 ? buffer[count / 2] : buffer[count / 2 - 1] + 0.5 * (buffer[count / 2] - buffer[count / 2 - 1])
            }
        }

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

    /// Optimal partitioning with functional pruning (FPOP — Maidstone, Hocking, Rigaill & Fearnhead
    /// 2017): the change indices (first commit of each new level) that minimise the cost plus β per
    /// change, exactly as plain optimal partitioning would, in about n · log n steps.
    ///
    /// A start τ (the last change before t) costs, as a function of the new level μ,
    /// Q_τ(μ) = F(τ) + β + Σ_{τ<i≤t} w_i (y_i − μ)², and F(t) = min over τ of min_μ Q_τ(μ). Every
    /// Q gains the same term at each step, so where one start beats another never changes once
    /// both exist: a start kept only for the levels μ where it is (weakly) the best, and dropped
    /// once there are none, can never be needed again. PELT's pruning (F(τ) + cost(τ, t) > F(t))
    /// keeps every start of a level that has not changed, so on long flat histories it was
    /// quadratic: 0.1 s per series of 10,000 commits, most of a dashboard's rendering time.
    func segment(_ series: Series) -> [Int] {
        let n = series.count
        let m = minimumSegment
        let beta = penalty * log(Double(n))
        var best = [Double](repeating: .infinity, count: n + 1)
        var previous = [Int](repeating: 0, count: n + 1)
        best[0] = -beta
        // Live starts in increasing order, each with the levels where it is the best so far.
        var starts: [Int] = []
        var regions: [LevelSet] = []
        for t in m...n {
            // A start τ is admissible from t = τ + m on (segments of at least m commits).
            let newcomer = t - m
            if newcomer == 0 || newcomer >= m {
                var region = LevelSet.everything
                var k = 0
                while k < starts.count {
                    let tau = starts[k]
                    // Q_newcomer − Q_τ = F(newcomer) − F(τ) − Σ_{τ<i≤newcomer} w_i (y_i − μ)²: τ is at
                    // least as good exactly where that sum is at most F(newcomer) − F(τ).
                    let a = series.sumW[newcomer] - series.sumW[tau]
                    let b = series.sumWY[newcomer] - series.sumWY[tau]
                    let c = series.sumWY2[newcomer] - series.sumWY2[tau]
                    let slack = best[newcomer] - best[tau]
                    let discriminant = b * b - a * (c - slack)
                    if discriminant < 0 {
                        starts.remove(at: k)
                        regions.remove(at: k)
                        continue
                    }
                    let root = discriminant.squareRoot()
                    let low = (b - root) / a
                    let high = (b + root) / a
                    regions[k].intersect(low, high)
                    region.remove(low, high)
                    if regions[k].isEmpty {
                        starts.remove(at: k)
                        regions.remove(at: k)
                        continue
                    }
                    k += 1
                }
                if !region.isEmpty {
                    starts.append(newcomer)
                    regions.append(region)
                }
            }
            var value = Double.infinity
            var argument = 0
            for tau in starts {
                let total = best[tau] + series.cost(tau, t) + beta
                if total < value {
                    value = total
                    argument = tau
                }
            }
            best[t] = value
            previous[t] = argument
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

    /// A set of levels μ as disjoint closed intervals in increasing order (the functional
    /// pruning's record of where a start is the best).
    struct LevelSet {
        var bounds: [(low: Double, high: Double)]

        static var everything: LevelSet { LevelSet(bounds: [(-Double.infinity, Double.infinity)]) }
        var isEmpty: Bool { bounds.isEmpty }

        /// Keeps only what lies within [low, high] (in place: most sets are one interval).
        mutating func intersect(_ low: Double, _ high: Double) {
            var kept = 0
            for i in bounds.indices {
                let a = Swift.max(bounds[i].low, low)
                let b = Swift.min(bounds[i].high, high)
                if a <= b {
                    bounds[kept] = (a, b)
                    kept += 1
                }
            }
            bounds.removeLast(bounds.count - kept)
        }

        /// Removes the open interval (low, high).
        mutating func remove(_ low: Double, _ high: Double) {
            var i = 0
            while i < bounds.count {
                let piece = bounds[i]
                if piece.high <= low || piece.low >= high {
                    i += 1
                } else if piece.low <= low && piece.high >= high {
                    // Split in two (the removed part lies strictly inside).
                    bounds[i] = (piece.low, low)
                    bounds.insert((high, piece.high), at: i + 1)
                    i += 2
                } else if piece.low <= low {
                    bounds[i].high = low
                    i += 1
                } else if piece.high >= high {
                    bounds[i].low = high
                    i += 1
                } else {
                    bounds.remove(at: i)
                }
            }
        }
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
