import Foundation

/// One metric of one benchmark, compared: what changed, by how much, how sure we are.
public struct MetricComparison: Codable, Sendable, Equatable {
    public var benchmark: String
    public var metric: String
    public var unit: String
    public var direction: MetricDirection
    public var kind: MetricKind
    public var baselineMedian: Double?
    public var currentMedian: Double?
    /// Relative change of the medians (current / baseline − 1).
    public var change: Double?
    /// Interval of the change (including the drift allowance when comparing with a stored baseline).
    public var intervalLow: Double?
    public var intervalHigh: Double?
    public var pValue: Double?
    /// The p-value corrected for the other gated metrics: Holm's step-down against a stored
    /// baseline; in paired mode, the tolerance test scaled to the look's spent α over m metrics
    /// (``PairedAnalysis``), so that either way a verdict needs it below α.
    public var adjustedPValue: Double?
    public var baselineSamples: Int
    public var currentSamples: Int
    public var tolerance: Double
    /// The smallest change this comparison could call a regression.
    public var minimumDetectableEffect: Double?
    public var verdict: Verdict
    /// Why the verdict (for not-gated and inconclusive metrics especially).
    public var reason: String?
    /// Whether the metric was judged, only reported, or not compared (nil in reports written
    /// before perfgate recorded it).
    public var gating: Gating?
    /// The stored-baseline screening, when a paired confirmation re-measured this metric and its
    /// verdict, change and interval are the confirmation's (see `perfgate check`).
    public var screen: Screening?

    /// What the first stage (the comparison with the stored baseline) said of a metric.
    public struct Screening: Codable, Sendable, Equatable {
        public var verdict: Verdict
        public var change: Double?
        public var intervalLow: Double?
        public var intervalHigh: Double?

        public init(of comparison: MetricComparison) {
            verdict = comparison.verdict
            change = comparison.change
            intervalLow = comparison.intervalLow
            intervalHigh = comparison.intervalHigh
        }
    }

    /// How many independent sessions the baseline's figure came from, when more than one (the
    /// comparison then judges this session against them; see ``SessionModel``).
    public var baselineSessions: Int?

    /// How a metric takes part in the verdict.
    public enum Gating: String, Codable, Sendable {
        /// Tested and judged: a timing through the test and Holm's correction, a counter by its tolerance.
        case gated
        /// Compared and reported with its interval, but not in `gate.metrics`.
        case reportedOnly = "reported-only"
        /// A tail percentile with too few operations per round beyond it to judge; reported.
        case lowConfidence = "low-confidence"
        /// Not compared: unavailable, different units, no usable medians, or too few rounds.
        case notCompared = "not-compared"
        /// A control (no code under test): compared to tell whether the machine moved, never judged.
        case control
    }

    /// A comparison; the fields the statistics fill in default to nil.
    public init(
        benchmark: String, metric: String, unit: String, direction: MetricDirection, kind: MetricKind,
        baselineMedian: Double?, currentMedian: Double?, change: Double? = nil, intervalLow: Double? = nil,
        intervalHigh: Double? = nil, pValue: Double? = nil, adjustedPValue: Double? = nil, baselineSamples: Int,
        currentSamples: Int, tolerance: Double, minimumDetectableEffect: Double? = nil, verdict: Verdict, reason: String? = nil
    ) {
        self.benchmark = benchmark
        self.metric = metric
        self.unit = unit
        self.direction = direction
        self.kind = kind
        self.baselineMedian = baselineMedian
        self.currentMedian = currentMedian
        self.change = change
        self.intervalLow = intervalLow
        self.intervalHigh = intervalHigh
        self.pValue = pValue
        self.adjustedPValue = adjustedPValue
        self.baselineSamples = baselineSamples
        self.currentSamples = currentSamples
        self.tolerance = tolerance
        self.minimumDetectableEffect = minimumDetectableEffect
        self.verdict = verdict
        self.reason = reason
    }

    public var id: String { "\(benchmark) \(metric)" }

    /// Column titles of ``tableCells``, shared by every tabular renderer.
    public static let tableHeader = ["verdict", "benchmark", "metric", "baseline", "current", "change", "interval", "p (corr.)", "MDE"]

    /// The row of this comparison in a report table ("–" where a value is missing).
    public var tableCells: [String] {
        let missing = "–"
        let baseline: String = baselineMedian.map { Format.value($0, unit: unit) } ?? missing
        let current: String = currentMedian.map { Format.value($0, unit: unit) } ?? missing
        let changeText: String = change.map { Format.percent($0) } ?? missing
        var interval = missing
        if let low = intervalLow, let high = intervalHigh {
            interval = "[" + Format.percent(low) + ", " + Format.percent(high) + "]"
        }
        let p: String = adjustedPValue.map { Format.pValue($0) } ?? missing
        let mde: String = minimumDetectableEffect.map { Format.percent($0, signed: false) } ?? missing
        return [verdict.rawValue, benchmark, metric, baseline, current, changeText, interval, p, mde]
    }

    /// The one line a person can act on, e.g.
    /// `wal.append.single/64B/sync=none p99: +12.3 % [+8.1 %, +16.0 %], p=0.0004 (corrected), tolerance 5 %`.
    public var explanation: String {
        var text = "\(benchmark) \(metric): "
        guard let change else { return text + (reason ?? verdict.rawValue) }
        text += Format.percent(change)
        if let low = intervalLow, let high = intervalHigh {
            text += " [\(Format.percent(low)), \(Format.percent(high))]"
        }
        if let p = adjustedPValue ?? pValue {
            text += ", p=\(Format.pValue(p))" + (adjustedPValue != nil ? " (corrected)" : "")
        }
        text += ", tolerance \(Format.percent(tolerance, signed: false))"
        if kind == .counter { text += ", exact counter" }
        if let screen {
            text += "; \(verdict == .regressed ? "confirmed" : "not confirmed") in paired A/B rounds against the baseline's commit"
            if let change = screen.change {
                text += " (the stored-baseline screen said \(screen.verdict.rawValue) \(Format.percent(change))"
                if let low = screen.intervalLow, let high = screen.intervalHigh {
                    text += " [\(Format.percent(low)), \(Format.percent(high))]"
                }
                text += ")"
            }
        }
        return text
    }
}
