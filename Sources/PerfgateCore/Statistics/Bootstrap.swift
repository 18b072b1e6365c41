import Foundation
import PerfgateSupport

/// Seeded, reproducible percentile bootstrap intervals.
public enum Bootstrap {
    /// Interval of the relative change of medians, `median(current) / median(baseline) − 1`, at
    /// `confidence`, from `resamples` resamples of each group (percentile method).
    public static func relativeChangeOfMedians(
        baseline: [Double], current: [Double], resamples: Int = 10_000,
        confidence: Double = 0.95, seed: UInt64 = 1
    ) -> ClosedRange<Double> {
        var rng = SplitMix64(seed: seed)
        var changes = [Double]()
        changes.reserveCapacity(resamples)
        var a = ResampledMedian(baseline)
        var b = ResampledMedian(current)
        for _ in 0..<resamples {
            let base = a.next(&rng)
            let new = b.next(&rng)
            guard base > 0 else { continue }
            changes.append(new / base - 1)
        }
        guard !changes.isEmpty else { return 0...0 }
        changes.sort()
        let alpha = (1 - confidence) / 2
        return Quantile.quantile(sorted: changes, alpha)...Quantile.quantile(sorted: changes, 1 - alpha)
    }

    /// Interval of one sample's median (for absolute targets).
    public static func median(
        _ values: [Double], resamples: Int = 10_000, confidence: Double = 0.95,
        seed: UInt64 = 1
    ) -> ClosedRange<Double> {
        var rng = SplitMix64(seed: seed)
        var medians = [Double]()
        medians.reserveCapacity(resamples)
        var a = ResampledMedian(values)
        for _ in 0..<resamples { medians.append(a.next(&rng)) }
        medians.sort()
        let alpha = (1 - confidence) / 2
        return Quantile.quantile(sorted: medians, alpha)...Quantile.quantile(sorted: medians, 1 - alpha)
    }
}

/// The median of one bootstrap resample without sorting it: the sample is sorted once, a resample
/// is a count per original position (drawn in the same order as resampling the values would), and
/// the median is found by walking the cumulative counts — O(n) per resample instead of O(n log n).
struct ResampledMedian {
    private let sorted: [Double]
    /// `rankOf[i]`: the position of original value `i` in `sorted`.
    private let rankOf: [Int]
    private var counts: [Int]

    init(_ values: [Double]) {
        let permutation = values.indices.sorted { values[$0] < values[$1] }
        sorted = permutation.map { values[$0] }
        var rankOf = [Int](repeating: 0, count: values.count)
        for (rank, original) in permutation.enumerated() { rankOf[original] = rank }
        self.rankOf = rankOf
        counts = [Int](repeating: 0, count: values.count)
    }

    /// Draws the next resample from `rng` and returns its median.
    mutating func next(_ rng: inout SplitMix64) -> Double {
        let n = sorted.count
        for i in 0..<n { counts[i] = 0 }
        for _ in 0..<n { counts[rankOf[Int(rng.next() % UInt64(n))]] += 1 }
        // The median of the resample sits at positions (n-1)/2 and n/2 of its sorted order.
        let lowerPosition = (n - 1) / 2
        let upperPosition = n / 2
        var cumulative = 0
        var lower = 0.0
        for rank in 0..<n {
            let before = cumulative
            cumulative += counts[rank]
            if before <= lowerPosition && lowerPosition < cumulative { lower = sorted[rank] }
            if before <= upperPosition && upperPosition < cumulative { return (lower + sorted[rank]) / 2 }
        }
        return lower
    }
}
