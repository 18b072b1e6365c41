/// Markdown for `$GITHUB_STEP_SUMMARY` and pull-request comments: the verdict, regressions and
/// failed targets first, then everything else in a collapsed table. Benchmark names are escaped
/// so they cannot break the table or inject markup.
public struct MarkdownRenderer {
    /// A renderer.
    public init() {}

    /// Escapes Markdown and HTML metacharacters.
    public static func escape(_ text: String) -> String {
        var result = ""
        for character in text {
            switch character {
            case "|", "\\", "`", "*", "_", "[", "]", "#", "~", "!": result += "\\\(character)"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "&": result += "&amp;"
            case "\n", "\r": result += " "
            default: result.append(character)
            }
        }
        return result
    }

    func row(_ c: MetricComparison) -> String {
        "| " + c.tableCells.map(Self.escape).joined(separator: " | ") + " |"
    }

    static let tableHeader = "| " + MetricComparison.tableHeader.joined(separator: " | ") + " |\n|---|---|---|---:|---:|---:|---|---:|---:|"

    /// Markdown for a job summary or a pull request comment: the verdict, what failed and what to do, all metrics folded.
    public func render(_ report: GateReport) -> String {
        var out: [String] = []
        let icon = report.outcome == .regression ? "❌" : (report.outcome == .pass ? "✅" : "⚠️")
        out.append("## \(icon) perfgate: \(Self.escape(report.headline))")
        out.append("")
        out.append(
            "Scenario **\(Self.escape(report.scenario))**, \(report.mode.rawValue) mode, profile "
                + "`\(report.profile.replacingOccurrences(of: "`", with: ""))`. "
                + "Baseline: \(Self.escape(report.baselineSource))" + (report.baselineCommit.map { " (`\($0.prefix(12))`)" } ?? "")
                + "; current: " + (report.currentCommit.map { "`\($0.prefix(12))`" } ?? Self.escape(report.currentSource)) + ".")
        if let environment = report.environment {
            out.append("")
            out.append("> **The machine moved.** " + Self.escape(environment.sentence))
        }
        let regressions = report.sortedComparisons.filter { $0.verdict == .regressed }
        if !regressions.isEmpty || !report.failedTargets.isEmpty || !report.missingBenchmarks.isEmpty {
            out.append("")
            out.append("### What failed")
            for c in regressions { out.append("- **regressed** — " + Self.escape(c.explanation)) }
            for t in report.failedTargets { out.append("- **target failed** — " + Self.escape(t.explanation)) }
            for id in report.missingBenchmarks {
                out.append("- **missing** — " + Self.escape("\(id) is in the baseline but did not run: " + GateReport.missingAdvice))
            }
            out.append("")
            out.append("_What to do:_ " + Self.escape(report.advice))
        }
        if !report.warnedTargets.isEmpty {
            out.append("")
            out.append("### Targets to watch")
            for t in report.warnedTargets { out.append("- " + Self.escape(t.explanation)) }
        }
        if !report.notes.isEmpty {
            out.append("")
            for note in report.notes { out.append("> **Note:** " + Self.escape(note)) }
        }
        let rest = report.sortedComparisons.filter { $0.verdict != .regressed }
        if !rest.isEmpty {
            out.append("")
            out.append(
                "<details><summary>All \(report.comparisons.count) metrics (\(report.count(.improved)) improved, "
                    + "\(report.count(.inconclusive)) inconclusive, \(report.count(.unchanged)) unchanged, "
                    + "\(report.count(.notGated) + report.count(.unavailable)) not gated)</summary>")
            out.append("")
            out.append(Self.tableHeader)
            for c in regressions + rest { out.append(row(c)) }
            out.append("")
            out.append("</details>")
        }
        let metTargets = report.targets.filter { $0.status == .met }
        if !metTargets.isEmpty {
            out.append("")
            out.append("<details><summary>\(metTargets.count) target(s) met</summary>")
            out.append("")
            for t in metTargets { out.append("- " + Self.escape(t.explanation)) }
            out.append("")
            out.append("</details>")
        }
        out.append("")
        out.append(
            "<sub>" + Self.escape(report.method) + "</sub>")
        return out.joined(separator: "\n") + "\n"
    }
}
