import Foundation

/// E-divisive means change-point detection over a metric's history, as Apache Otava computes it
/// (Fleming et al., "Hunter", ICPE 2023; Matteson & James 2014):
///
/// 1. **Split.** Slide a window (default 50, step half a window) over the series. Inside each
///    window, repeatedly take the candidate that maximises the energy statistic Q̂(τ, κ) over all
///    current intervals, and keep it while a two-sample Student t-test (pooled variance, population
///    standard deviations) between the two sides has p ≤ 10 × `maxPValue` ("weak" change points).
/// 2. **Merge.** Repeatedly drop the weakest change point — the largest p-value if it exceeds
///    `maxPValue`, else the smallest magnitude if it is at most `minMagnitude` — re-testing its
///    neighbours against their new intervals.
///
/// Magnitude is max(|m₂/m₁ − 1|, |m₁/m₂ − 1|). Tests compare the output with Otava's on the same series.
public struct ChangePointDetector: Sendable {
    /// A shift in a series: where it starts, the means on either side, the relative change and its p-value.
    public struct ChangePoint: Sendable, Equatable {
        /// Index of the first value of the new level.
        public var index: Int
        public var pValue: Double
        /// Relative change of the mean: mean(after) / mean(before) − 1.
        public var change: Double
        public var meanBefore: Double
        public var meanAfter: Double

        /// Otava's magnitude: the larger of the forward and backward relative changes.
        public var magnitude: Double {
            guard meanBefore != 0, meanAfter != 0 else { return .infinity }
            return max(abs(meanAfter / meanBefore - 1), abs(meanBefore / meanAfter - 1))
        }
    }

    public var maxPValue: Double
    public var minMagnitude: Double
    public var window: Int

    /// A detector that reports shifts with a p-value up to `maxPValue` and a relative size of at least
    /// `minMagnitude`, looking at `window` points at a time.
    public init(maxPValue: Double = 0.001, minMagnitude: Double = 0.0, window: Int = 50) {
        self.maxPValue = maxPValue
        self.minMagnitude = minMagnitude
        self.window = window
    }

    /// Change points of `series` (oldest first), in order of index.
    public func detect(_ series: [Double]) -> [ChangePoint] {
        guard series.count >= 3 else { return [] }
        let firstPass = maxPValue < 0.05 ? maxPValue * 10 : (maxPValue < 0.5 ? maxPValue * 2 : maxPValue)
        var points = split(series, threshold: firstPass).map(\.index)
        // Merge.
        while !points.isEmpty {
            let tested = test(series, points)
            var weakest = tested.indices.max { pValueForOrdering(tested[$0]) < pValueForOrdering(tested[$1]) }!
            if pValueForOrdering(tested[weakest]) < maxPValue {
                weakest = tested.indices.min { tested[$0].magnitude < tested[$1].magnitude }!
                if tested[weakest].magnitude > minMagnitude { return tested }
            }
            points.remove(at: weakest)
        }
        return []
    }

    private func pValueForOrdering(_ point: ChangePoint) -> Double { point.pValue.isNaN ? 1 : point.pValue }

    /// The split step: weak change points from overlapping windows.
    func split(_ series: [Double], threshold: Double) -> [ChangePoint] {
        var found = Set<Int>()
        var start = 0
        let step = max(1, window / 2)
        while start < series.count {
            let end = min(start + window, series.count)
            let local = Self.greedyChangePoints(Array(series[start..<end]), threshold: threshold).map { $0 + start }
            found.formUnion(local)
            start = max(local.last ?? 0, start + step)
        }
        return test(series, found.sorted())
    }

    /// Each change point tested against the intervals its neighbours leave.
    func test(_ series: [Double], _ points: [Int]) -> [ChangePoint] {
        points.enumerated().map { k, index in
            Self.evaluate(series, k == 0 ? 0 : points[k - 1], index, k == points.count - 1 ? series.count : points[k + 1])
        }
    }

    /// E-divisive inside one window: add the best candidate over all intervals while significant.
    static func greedyChangePoints(_ values: [Double], threshold: Double) -> [Int] {
        var points: [Int] = []
        while true {
            let bounds = [0] + points + [values.count]
            var best: (index: Int, q: Double, start: Int, end: Int)?
            for k in 0..<(bounds.count - 1) where bounds[k + 1] - bounds[k] > 1 {
                let (index, q) = bestCandidate(values, bounds[k], bounds[k + 1])
                if best == nil || q > best!.q { best = (index, q, bounds[k], bounds[k + 1]) }
            }
            guard let best else { return points }
            let point = evaluate(values, best.start, best.index, best.end)
            guard point.pValue <= threshold else { return points }
            points.append(best.index)
            points.sort()
        }
    }

    /// argmax over start < τ < κ ≤ end of Q(τ, κ) (first maximum in row-major order of (τ, κ),
    /// with Q = 0 where κ ≤ τ, as Otava's matrix has it). Returns τ and the maximum.
    static func bestCandidate(_ x: [Double], _ start: Int, _ end: Int) -> (Int, Double) {
        let size = end - start - 1
        var bestQ = -Double.infinity
        var bestIndex = start + 1
        for i in 0..<size {
            let tau = start + 1 + i
            let n = Double(tau - start)
            var withinX = 0.0
            for a in start..<tau { for b in (a + 1)..<max(a + 1, tau) { withinX += abs(x[a] - x[b]) } }
            var between = 0.0
            var withinY = 0.0
            for j in 0..<size {
                let kappa = start + 2 + j
                var q = 0.0
                if kappa > tau {
                    let newY = kappa - 1
                    for a in start..<tau { between += abs(x[a] - x[newY]) }
                    for b in tau..<newY { withinY += abs(x[b] - x[newY]) }
                    let m = Double(kappa - tau)
                    q = 2 / (m + n) * between
                    if n > 1 { q -= 2 * m / (m + n) / (n - 1) * withinX }
                    if m > 1 { q -= 2 * n / (m + n) / (m - 1) * withinY }
                }
                if q > bestQ {
                    bestQ = q
                    bestIndex = tau
                }
            }
        }
        return (bestIndex, bestQ)
    }

    static func evaluate(_ series: [Double], _ left: Int, _ index: Int, _ right: Int) -> ChangePoint {
        let a = Array(series[left..<index])
        let b = Array(series[index..<right])
        let (m1, s1) = meanAndPopulationStd(a)
        let (m2, s2) = meanAndPopulationStd(b)
        let p =
            a.count + b.count > 2
            ? StudentT.pooledTwoSided(
                mean1: m1, std1: a.count >= 2 ? s1 : 0, n1: a.count, mean2: m2, std2: b.count >= 2 ? s2 : 0, n2: b.count)
            : 1
        return ChangePoint(index: index, pValue: p, change: m1 == 0 ? 0 : m2 / m1 - 1, meanBefore: m1, meanAfter: m2)
    }

    static func meanAndPopulationStd(_ values: [Double]) -> (Double, Double) {
        let mean = values.reduce(0, +) / Double(values.count)
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count)
        return (mean, variance.squareRoot())
    }
}
