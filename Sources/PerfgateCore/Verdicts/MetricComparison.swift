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

    /// The control benchmark that does this benchmark's work without the code under test
    /// (``BenchmarkResult/counterpart``), when the harness names one.
    public var counterpart: String?

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

    /// Whether the metric takes part in the verdict (``Gating/gated``; for reports written before
    /// gating was recorded, any verdict but not gated and unavailable).
    public var isGated: Bool {
        if let gating { return gating == .gated }
        return verdict != .notGated && verdict != .unavailable
    }

    /// The per-round values the comparison was computed from (each side's rounds; in paired mode
    /// `baseline[i]` and `current[i]` are pair i), for charts that show what was measured. Capped
    /// at ``Rounds/limit`` a side; nil in reports written before perfgate kept them.
    public var rounds: Rounds?

    /// Each side's per-round values.
    public struct Rounds: Codable, Sendable, Equatable {
        /// At most this many values a side are kept (the first ones: in paired mode, the first pairs).
        public static let limit = 512
        public var baseline: [Double]
        public var current: [Double]
        /// Both sides' rounds, cut to ``limit``.
        public init(baseline: [Double], current: [Double]) {
            self.baseline = Array(baseline.prefix(Self.limit))
            self.current = Array(current.prefix(Self.limit))
        }
    }

    /// Column titles of ``tableCells(_:)`` in `mode`, shared by every tabular renderer. In paired
    /// mode the change is the paired estimate (geometric mean of the per-pair ratios), so the head
    /// column shows the level that estimate implies, labelled as such.
    public static func tableHeader(_ mode: GateReport.Mode) -> [String] {
        switch mode {
        case .storedBaseline:
            return ["verdict", "benchmark", "metric", "baseline", "current", "change", "interval", "p (corr.)", "MDE", "rounds"]
        case .paired:
            return [
                "verdict", "benchmark", "metric", "base median", "head (paired est.)", "paired change", "interval", "p (corr.)",
                "MDE", "pairs",
            ]
        }
    }

    /// The level the verdict's estimate puts the current side at: in paired mode the base median
    /// times the paired change (the head's own median can differ a lot when rounds vary, and is
    /// not what was judged); otherwise the current median.
    public func judgedCurrent(_ mode: GateReport.Mode) -> Double? {
        if mode == .paired, let base = baselineMedian, let change { return base * (1 + change) }
        return currentMedian
    }

    /// The row of this comparison in a report table ("–" where a value is missing). The MDE is
    /// shown where it answers a question — how large a regression an unchanged or inconclusive
    /// verdict could have missed — and left out next to a decided change, where it reads as a
    /// contradiction (a change smaller than the MDE can still be detected).
    public func tableCells(_ mode: GateReport.Mode) -> [String] {
        let missing = "–"
        let baseline: String = baselineMedian.map { Format.value($0, unit: unit) } ?? missing
        let current: String = judgedCurrent(mode).map { Format.value($0, unit: unit) } ?? missing
        let changeText: String = change.map { Format.change($0) } ?? missing
        var interval = missing
        if let low = intervalLow, let high = intervalHigh { interval = Format.interval(low, high) }
        let p: String = adjustedPValue.map { Format.pValue($0) } ?? missing
        let mde: String =
            [.unchanged, .inconclusive].contains(verdict)
            ? minimumDetectableEffect.map { $0 >= 1 ? Format.change($0) : Format.percent($0, signed: false) } ?? missing : missing
        let n = mode == .paired ? "\(min(baselineSamples, currentSamples))" : "\(baselineSamples)/\(currentSamples)"
        return [verdict.rawValue, benchmark, metric, baseline, current, changeText, interval, p, mde, n]
    }

    /// The one line a person can act on, e.g.
    /// `wal.append.single/64B/sync=none p99: +12.3 % [+8.1 %, +16.0 %], p=0.0004 (corrected), tolerance 5 %`.
    public var explanation: String {
        var text = "\(benchmark) \(metric): "
        guard let change else { return text + (reason ?? verdict.rawValue) }
        text += Format.change(change) + (change >= 1 ? " (\(Format.percent(change)))" : "")
        if let low = intervalLow, let high = intervalHigh { text += " " + Format.interval(low, high) }
        if let p = adjustedPValue ?? pValue {
            text += ", p=\(Format.pValue(p))" + (adjustedPValue != nil ? " (corrected)" : "")
        }
        text += ", tolerance \(Format.percent(tolerance, signed: false))"
        if kind == .counter { text += ", exact counter" }
        if let screen {
            text += "; \(verdict == .regressed ? "confirmed" : "not confirmed") in paired A/B rounds against the baseline's commit"
            if let change = screen.change {
                text += " (the stored-baseline screen said \(screen.verdict.rawValue) \(Format.change(change))"
                if let low = screen.intervalLow, let high = screen.intervalHigh { text += " " + Format.interval(low, high) }
                text += ")"
            }
            // Why an unsettled one does not hold the build (the machine explains it), when it does not.
            if verdict == .inconclusive, let reason, reason.hasPrefix("within the machine's slowdown") { text += "; \(reason)" }
        }
        return text
    }
}
