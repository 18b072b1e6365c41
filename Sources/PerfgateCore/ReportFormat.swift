/// Output formats of a gate report (`--format`).
public enum ReportFormat: String, CaseIterable, Sendable {
    case terminal, markdown, html, json, junit

    /// Renders `report`; `history` feeds the HTML trend charts when available.
    public func render(_ report: GateReport, colour: Bool = false, verbose: Bool = false, history: [HistorySeries] = []) throws -> String {
        switch self {
        case .terminal: return TerminalRenderer(colour: colour, verbose: verbose).render(report)
        case .markdown: return MarkdownRenderer().render(report)
        case .html: return HTMLRenderer().render(report, history: history)
        case .junit: return JUnitRenderer().render(report)
        case .json:
            do { return String(decoding: try report.encoded(), as: UTF8.self) + "\n" } catch {
                throw PerfgateError(.environment, "could not encode the report: \(error)")
            }
        }
    }
}

/// One metric's recorded history for the HTML trend charts: values oldest first with their
/// commits, and the change points found in them.
public struct HistorySeries: Sendable {
    public var benchmark: String
    public var metric: String
    public var unit: String
    public var points: [(commit: String, value: Double)]
    public var changePoints: [ChangePointDetector.ChangePoint]

    public init(benchmark: String, metric: String, unit: String, points: [(commit: String, value: Double)],
                changePoints: [ChangePointDetector.ChangePoint]) {
        self.benchmark = benchmark
        self.metric = metric
        self.unit = unit
        self.points = points
        self.changePoints = changePoints
    }
}
