/// The outcome of one absolute target.
public struct TargetResult: Codable, Sendable, Equatable {
    /// Whether the figure meets the target, is within its margin of failing, or fails it.
    public enum Status: String, Codable, Sendable {
        /// The metric's interval lies wholly on the right side of the limit.
        case met
        /// The interval lies wholly beyond the limit.
        case failed
        /// The interval straddles the limit.
        case atRisk = "at risk"
        /// The run did not measure this benchmark.
        case notMeasured = "not measured"
    }

    public var name: String
    public var benchmark: String
    public var metric: String
    public var unit: String
    public var limit: Double
    public var isUpperBound: Bool
    public var severity: GateConfiguration.Severity
    public var median: Double?
    public var intervalLow: Double?
    public var intervalHigh: Double?
    public var status: Status
    /// The baseline's median of the same metric, when there is a baseline.
    public var baselineMedian: Double?
    /// Why a measured figure was not judged (too little data for what the target is defined on).
    public var notJudgedReason: String?

    /// Whether the baseline misses the target too: a failure this run did not cause, reported
    /// but not failing the build (the gate stops changes that make things worse).
    public var missedByBaseline: Bool {
        guard let baselineMedian else { return false }
        return isUpperBound ? baselineMedian > limit : baselineMedian < limit
    }

    /// E.g. `target "single write p99": wal.append.single/64B/sync=none p99 = 2.41 µs [2.38 µs, 2.50 µs], limit <= 10.00 µs: met`.
    public var explanation: String {
        let bound = (isUpperBound ? "<= " : ">= ") + Format.value(limit, unit: unit)
        if let notJudgedReason {
            let figure = median.map { " = \(Format.value($0, unit: unit))" } ?? ""
            return "target \"\(name)\": \(benchmark) \(metric)\(figure) not judged (limit \(bound)): \(notJudgedReason)"
        }
        guard let median, let low = intervalLow, let high = intervalHigh else {
            return "target \"\(name)\": \(benchmark) \(metric) was not measured in this run (limit \(bound))"
        }
        var text =
            "target \"\(name)\": \(benchmark) \(metric) = \(Format.value(median, unit: unit)) "
            + "[\(Format.value(low, unit: unit)), \(Format.value(high, unit: unit))], limit \(bound): \(status.rawValue)"
        if status == .failed, missedByBaseline, let baselineMedian {
            text += " (the baseline misses it too, at \(Format.value(baselineMedian, unit: unit)): not caused by this change)"
        }
        return text
    }
}
