import Foundation

/// Seeded, reproducible percentile bootstrap intervals.
public enum Bootstrap {
    /// Interval of the relative change of medians, `median(current) / median(baseline) − 1`, at
    /// `confidence`, from `resamples` resamples of each group (percentile method).
    public static func relativeChangeOfMedians(baseline: [Double], current: [Double], resamples: Int = 10_000,
                                               confidence: Double = 0.95, seed: UInt64 = 1) -> ClosedRange<Double> {
        var rng = SeededGenerator(seed: seed)
        var changes = [Double]()
        changes.reserveCapacity(resamples)
        var a = baseline, b = current
        for _ in 0..<resamples {
            for i in a.indices { a[i] = baseline[Int(rng.next() % UInt64(baseline.count))] }
            for i in b.indices { b[i] = current[Int(rng.next() % UInt64(current.count))] }
            let base = medianInPlace(&a)
            guard base > 0 else { continue }
            changes.append(medianInPlace(&b) / base - 1)
        }
        guard !changes.isEmpty else { return 0...0 }
        changes.sort()
        let alpha = (1 - confidence) / 2
        return Quantile.quantile(sorted: changes, alpha)...Quantile.quantile(sorted: changes, 1 - alpha)
    }

    /// Interval of one sample's median (for absolute targets).
    public static func median(_ values: [Double], resamples: Int = 10_000, confidence: Double = 0.95,
                              seed: UInt64 = 1) -> ClosedRange<Double> {
        var rng = SeededGenerator(seed: seed)
        var medians = [Double]()
        medians.reserveCapacity(resamples)
        var a = values
        for _ in 0..<resamples {
            for i in a.indices { a[i] = values[Int(rng.next() % UInt64(values.count))] }
            medians.append(medianInPlace(&a))
        }
        medians.sort()
        let alpha = (1 - confidence) / 2
        return Quantile.quantile(sorted: medians, alpha)...Quantile.quantile(sorted: medians, 1 - alpha)
    }

    /// Interval of the geometric mean of ratios (paired A/B): exp(mean(log ratios)) − 1.
    public static func geometricMeanChange(logRatios: [Double], resamples: Int = 10_000, confidence: Double = 0.95,
                                           seed: UInt64 = 1) -> ClosedRange<Double> {
        var rng = SeededGenerator(seed: seed)
        var means = [Double]()
        means.reserveCapacity(resamples)
        for _ in 0..<resamples {
            var sum = 0.0
            for _ in logRatios.indices { sum += logRatios[Int(rng.next() % UInt64(logRatios.count))] }
            means.append(exp(sum / Double(logRatios.count)) - 1)
        }
        means.sort()
        let alpha = (1 - confidence) / 2
        return Quantile.quantile(sorted: means, alpha)...Quantile.quantile(sorted: means, 1 - alpha)
    }

    @inline(__always)
    static func medianInPlace(_ values: inout [Double]) -> Double {
        values.sort()
        let n = values.count
        return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2
    }
}

/// SplitMix64: the seeded generator behind every resampling, so verdicts are reproducible.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
