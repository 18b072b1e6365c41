/// Output formats of a gate report (`--format`).
public enum ReportFormat: String, CaseIterable, Sendable {
    case terminal, markdown, html, json, junit

    /// One line for `--help`: what the format is for.
    public var summary: String {
        switch self {
        case .terminal: return "plain text for a person at a terminal (colour when it is one)"
        case .markdown: return "GitHub job summary and pull-request comment"
        case .html: return "a self-contained page with charts"
        case .json: return "the whole report, machine-readable (perfgate report re-renders it)"
        case .junit: return "JUnit XML for CI test viewers"
        }
    }

    /// The file name of this format in a report directory (`--report-dir`).
    public var fileName: String {
        switch self {
        case .terminal: return "report.txt"
        case .markdown: return "report.md"
        case .html: return "report.html"
        case .json: return "report.json"
        case .junit: return "report.xml"
        }
    }

    /// Parses a comma-separated list such as `markdown,html`; the error names `flag` and lists the formats.
    public static func list(_ text: String, flag: String) throws -> [ReportFormat] {
        let names = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        guard !names.isEmpty else {
            throw PerfgateError(.usage, "\(flag) is empty; name one or more of \(allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return try names.map { name in
            guard let format = ReportFormat(rawValue: name) else {
                throw PerfgateError(
                    .usage,
                    "\(flag): '\(name)' is not a report format; use a comma-separated list of "
                        + allCases.map(\.rawValue).joined(separator: ", "))
            }
            return format
        }
    }

    /// Renders `report`; `history` feeds the HTML trend charts when available, `links` point the
    /// reader to the full reports and the history dashboard.
    public func render(
        _ report: GateReport, colour: Bool = false, verbose: Bool = false, history: [HistorySeries] = [], links: ReportLinks = ReportLinks()
    ) throws -> String {
        switch self {
        case .terminal: return TerminalRenderer(colour: colour, verbose: verbose).render(report)
        case .markdown: return MarkdownRenderer(links: links).render(report)
        case .html: return HTMLRenderer(links: links).render(report, history: history)
        case .junit: return JUnitRenderer().render(report)
        case .json:
            do { return String(decoding: try report.encoded(), as: UTF8.self) + "\n" } catch {
                throw PerfgateError(.environment, "could not encode the report: \(error)")
            }
        }
    }
}
