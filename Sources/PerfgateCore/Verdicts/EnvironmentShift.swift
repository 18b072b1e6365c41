import Foundation

/// How much the machine itself moved between the baseline and this run, measured by the controls
/// (benchmarks that run no code under test). When the controls are slower, a "regression" of the
/// code may be the machine's: the report says so first and advises a re-run or the paired
/// confirmation, never "profile the benchmark".
public struct EnvironmentShift: Codable, Sendable, Equatable {
    /// The median change of the controls that moved, as "how much slower" (positive: slower).
    public var slowdown: Double
    /// The control metrics that moved beyond their tolerance with an interval excluding no change.
    public var controls: [String]

    public init(slowdown: Double, controls: [String]) {
        self.slowdown = slowdown
        self.controls = controls
    }

    /// The shift the control comparisons show, or nil when none moved.
    public static func measure(_ comparisons: [MetricComparison]) -> EnvironmentShift? {
        var moved: [(name: String, slower: Double)] = []
        for c in comparisons where c.gating == .control && c.kind == .timing {
            guard let change = c.change, let low = c.intervalLow, let high = c.intervalHigh else { continue }
            let slower = c.direction == .lowerIsBetter ? change : 1 / (1 + change) - 1
            let excludesNoChange = low > 0 || high < 0
            if excludesNoChange && abs(change) > c.tolerance { moved.append(("\(c.benchmark) \(c.metric)", slower)) }
        }
        guard !moved.isEmpty else { return nil }
        let sorted = moved.map(\.slower).sorted()
        let middle = sorted.count / 2
        let median = sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
        return EnvironmentShift(slowdown: median, controls: moved.map(\.name).sorted())
    }

    /// One sentence for the top of a report.
    public var sentence: String {
        let direction = slowdown >= 0 ? "slower" : "faster"
        return "The machine was \(Format.percent(abs(slowdown), signed: false)) \(direction) than when the baseline was measured "
            + "(\(controls.count) control metric(s) that run no WAL code moved: \(controls.prefix(4).joined(separator: ", "))"
            + (controls.count > 4 ? ", …" : "") + "). Changes below may be the machine's, not the code's: re-run on a quiet "
            + "machine, or let `perfgate check` confirm them in paired A/B rounds against the baseline's commit."
    }
}
