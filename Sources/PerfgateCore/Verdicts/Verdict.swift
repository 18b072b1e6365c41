/// What the gate concludes about one metric.
public enum Verdict: String, Codable, Sendable, CaseIterable {
    /// Significantly worse, by more than the tolerance (the rule per mode is in `Comparator.decide`).
    case regressed
    /// Significantly better, by more than the tolerance.
    case improved
    /// The whole interval lies within ± tolerance: equivalent.
    case unchanged
    /// Too noisy to tell: the interval straddles the tolerance.
    case inconclusive
    /// Reported but not gated: a percentile with too few tail samples, an ungated metric, or one
    /// measured on only one side.
    case notGated = "not gated"
    /// The machine could not measure it.
    case unavailable

    /// Order for reports: worst first.
    public var severity: Int {
        switch self {
        case .regressed: return 0
        case .inconclusive: return 1
        case .improved: return 2
        case .unchanged: return 3
        case .notGated: return 4
        case .unavailable: return 5
        }
    }
}
