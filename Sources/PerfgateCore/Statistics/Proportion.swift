import Foundation

/// A proportion with its Wilson score interval (for false-alarm and detection rates).
public struct Proportion: Sendable, Equatable, CustomStringConvertible {
    public var successes: Int
    public var trials: Int

    /// `successes` out of `trials`.
    public init(successes: Int, trials: Int) {
        self.successes = successes
        self.trials = trials
    }

    public var rate: Double { trials == 0 ? 0 : Double(successes) / Double(trials) }

    /// The Wilson score interval at `confidence`.
    public func wilson(confidence: Double = 0.95) -> ClosedRange<Double> {
        guard trials > 0 else { return 0...1 }
        let z = Distributions.normalQuantile(1 - (1 - confidence) / 2)
        let n = Double(trials)
        let p = rate
        let centre = (p + z * z / (2 * n)) / (1 + z * z / n)
        let half = z / (1 + z * z / n) * (p * (1 - p) / n + z * z / (4 * n * n)).squareRoot()
        return max(0, centre - half)...min(1, centre + half)
    }

    public var description: String {
        let ci = wilson()
        return String(
            format: "%d/%d = %.1f %% (95 %% CI %.1f–%.1f %%)", successes, trials, rate * 100, ci.lowerBound * 100, ci.upperBound * 100)
    }
}
