/// An aligned table, worst first, with colour on a terminal and plain text in CI logs, ending
/// with the one-line verdict.
public struct TerminalRenderer {
    public var colour: Bool
    /// Show every metric; by default unchanged and not-gated rows are summarised as counts and
    /// only the 12 largest inconclusive changes are listed.
    public var verbose: Bool
    /// A renderer, with ANSI colour or not, and every metric listed or only the notable ones.
    public init(colour: Bool, verbose: Bool = false) {
        self.colour = colour
        self.verbose = verbose
    }

    private func paint(_ text: String, _ verdict: Verdict) -> String {
        guard colour else { return text }
        let code: String
        switch verdict {
        case .regressed: code = "31;1"
        case .improved: code = "32"
        case .inconclusive: code = "33"
        default: code = "2"
        }
        return "\u{1B}[\(code)m\(text)\u{1B}[0m"
    }

    /// Plain text for a terminal or a CI log: one line per notable metric, the targets, the notes and the verdict.
    public func render(_ report: GateReport) -> String {
        var lines: [String] = []
        lines.append("perfgate: \(report.scenario) scenario, \(report.mode.rawValue) mode, profile \(report.profile)")
        lines.append("  baseline: \(report.baselineSource)" + (report.baselineCommit.map { " (\($0.prefix(12)))" } ?? ""))
        lines.append("  current:  \(report.currentSource)" + (report.currentCommit.map { " (\($0.prefix(12)))" } ?? ""))
        if let environment = report.environment {
            lines.append("")
            lines.append(paint("the machine moved: " + environment.sentence, .inconclusive))
        }
        // Regressions are listed once, below, each with its full explanation; the table holds the
        // other notable rows.
        let all = report.sortedComparisons.filter { $0.verdict != .unavailable && $0.verdict != .regressed }
        let inconclusive = all.filter { $0.verdict == .inconclusive }
        let shown = verbose ? all : all.filter { $0.verdict == .improved } + inconclusive.prefix(12)
        if !shown.isEmpty {
            let header = MetricComparison.tableHeader(report.mode)
            let rows = shown.map { $0.tableCells(report.mode) }
            var widths = header.map(\.count)
            for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
            func line(_ row: [String]) -> String {
                row.enumerated().map { i, cell in cell.padding(toLength: widths[i], withPad: " ", startingAt: 0) }
                    .joined(separator: "  ").trimmingTrailingSpaces()
            }
            lines.append("")
            lines.append(line(header))
            for (row, c) in zip(rows, shown) {
                let text = line(row)
                lines.append(paint(text, c.verdict))
            }
            if report.mode == .paired {
                lines.append(
                    "(paired change: geometric mean of the per-pair head/base ratios, the estimate the verdict is based on; "
                        + "head (paired est.) = base median × (1 + paired change))")
            }
        }
        if !verbose && all.count > shown.count {
            lines.append(
                "(\(all.count - shown.count) more rows: \(max(0, inconclusive.count - 12)) inconclusive, "
                    + "\(report.count(.unchanged)) unchanged, "
                    + "\(report.count(.notGated)) not gated; --verbose or --format html shows them all)")
        }
        let unavailable = report.comparisons.filter { $0.verdict == .unavailable }
        if !unavailable.isEmpty {
            lines.append("")
            lines.append("unavailable on this machine (not gated): " + unavailable.map(\.id).joined(separator: ", "))
        }
        if !report.targets.isEmpty {
            lines.append("")
            lines.append("targets:")
            for target in report.targets {
                let mark =
                    target.status == .failed
                    ? (target.severity == .fail ? "FAIL" : "warn")
                    : (target.status == .atRisk ? "risk" : (target.status == .met ? " ok " : " -- "))
                lines.append("  [\(mark)] " + target.explanation)
            }
        }
        let failures = report.sortedComparisons.filter { $0.verdict == .regressed }
        if !failures.isEmpty {
            lines.append("")
            lines.append("regressions (\(failures.count)):")
            for c in failures { lines.append("  " + paint(c.explanation, .regressed)) }
            lines.append("  what to do: " + report.advice)
        }
        if !report.missingBenchmarks.isEmpty {
            lines.append("")
            lines.append("missing (in the baseline, not run):")
            for id in report.missingBenchmarks { lines.append("  " + paint(id, .regressed)) }
            lines.append("  what to do: " + GateReport.missingAdvice + ".")
        }
        for note in report.notes { lines.append("note: \(note)") }
        if report.hasComparisons { lines.append("method: \(report.method)") }
        lines.append("")
        lines.append(
            paint(report.headline, report.outcome == .regression ? .regressed : (report.outcome == .pass ? .improved : .inconclusive)))
        return lines.joined(separator: "\n") + "\n"
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var result = self
        while result.last == " " { result.removeLast() }
        return result
    }
}
