import Foundation

/// The HTML report: one self-contained page (no network) that leads with the verdict and what
/// failed, then shows the evidence — every gated change as an interval against its tolerance, every
/// round of every gated metric on both sides, the recorded history of the most interesting metrics
/// — then every metric in a filterable table, the method, and when and by what it was generated.
/// All charts are SVG written here, each with a labelled value axis in the metric's unit.
public struct HTMLRenderer {
    /// Where the full history is published, for links from each metric (optional).
    public var links: ReportLinks

    /// A renderer that links to `links`.
    public init(links: ReportLinks = ReportLinks()) {
        self.links = links
    }

    /// The link to `benchmark`'s `metric` in the history dashboard, when one is published.
    func historyLink(_ benchmark: String, _ metric: String) -> String? {
        links.historyURL.map { HistoryDashboard.link(root: $0, benchmark: benchmark, metric: metric) }
    }

    /// A self-contained HTML page: the verdict, what failed, interval and per-round charts, trend
    /// charts of `history`, the table of every metric and the method.
    public func render(_ report: GateReport, history: [HistorySeries] = []) -> String {
        var body: [String] = []
        let outcomeColour = report.outcome == .regression ? "#c62828" : (report.outcome == .pass ? "#2e7d32" : "#ef8f00")
        body.append(
            "<header><h1>perfgate report</h1><p class=\"verdict\" style=\"border-color:\(outcomeColour)\">"
                + Markup.escape(report.headline) + "</p>")
        body.append(
            "<p>Scenario <b>\(Markup.escape(report.scenario))</b>, \(report.mode.rawValue) mode, profile "
                + "<code>\(Markup.escape(report.profile))</code>. "
                + "Baseline: \(Markup.escape(report.baselineSource))\(Self.commit(report.baselineCommit)); "
                + "current: \(Markup.escape(report.currentSource))\(Self.commit(report.currentCommit)).</p>"
        )
        if let environment = report.environment {
            body.append("<p class=\"note\"><b>The machine moved.</b> \(Markup.escape(environment.sentence))</p>")
        }
        for note in report.notes { body.append("<p class=\"note\">Note: \(Markup.escape(note))</p>") }
        body.append(
            "<ul class=\"counts\">"
                + [Verdict.regressed, .improved, .inconclusive, .unchanged, .notGated].map {
                    "<li style=\"color:\(HTMLPage.colour($0))\"><b>\(report.count($0))</b> \($0.rawValue)</li>"
                }.joined() + "<li><b>\(report.failedTargets.count)</b> target(s) failed</li></ul></header>")
        body += failures(report)
        if !report.targets.isEmpty {
            body.append(
                "<section id=\"targets\"><h2>Targets</h2><ul>"
                    + report.targets.map {
                        "<li class=\"t-\($0.status.rawValue.replacingOccurrences(of: " ", with: "-"))\">"
                            + Markup.escape($0.explanation) + "</li>"
                    }.joined() + "</ul></section>")
        }
        let gated = report.sortedComparisons.filter { $0.isGated && $0.intervalLow != nil }
        if !gated.isEmpty {
            let shown = Array(gated.prefix(60))
            body.append(
                "<section id=\"intervals\"><h2>Changes of the gated metrics, with intervals</h2><p>Each bar is the interval of a "
                    + "metric's change (dot: the estimate); the shaded band is its tolerance. Worse plots right for every metric: "
                    + "a latency that rose and a throughput that fell alike. The numbers at the right are the changes as measured.</p>"
                    + "<figure class=\"card wide\">" + IntervalChart(rows: shown).render() + "</figure>"
                    + (gated.count > shown.count ? "<p>(\(gated.count - shown.count) more in the table below)</p>" : "")
                    + "</section>")
        }
        let rounds = report.sortedComparisons.filter { $0.isGated }.compactMap { c -> String? in
            guard let chart = RoundsChart(comparison: c, mode: report.mode).render() else { return nil }
            var below = "<b style=\"color:\(HTMLPage.colour(c.verdict))\">\(c.verdict.rawValue)</b>"
            if let change = c.change {
                below += " · " + Markup.escape(Format.change(change))
                if let low = c.intervalLow, let high = c.intervalHigh { below += " " + Markup.escape(Format.interval(low, high)) }
            }
            below += " · tolerance ±" + Markup.escape(Format.percent(c.tolerance, signed: false))
            return HTMLPage.card(caption: c.id, link: historyLink(c.benchmark, c.metric), chart: chart, below: below)
        }
        if !rounds.isEmpty {
            body.append(
                "<section id=\"rounds\"><h2>Every round of each gated metric</h2><p>"
                    + (report.mode == .paired
                        ? "Base and head rounds as measured, pair by pair (a faint line joins each pair); "
                        : "The baseline's and this run's rounds as measured; ")
                    + "the bars are the medians, the band the baseline median ± the tolerance.</p>"
                    + "<div class=\"grid\" data-filter>" + rounds.joined() + "</div></section>")
        }
        let trends = history.prefix(12).compactMap { series -> String? in
            let chart = TrendChart(series: series).render()
            guard !chart.isEmpty else { return nil }
            return HTMLPage.card(
                caption: "\(series.benchmark) \(series.metric)", link: series.link ?? historyLink(series.benchmark, series.metric),
                chart: chart, below: "line: each commit's median; shade: range of its rounds; red: change points")
        }
        if !trends.isEmpty {
            body.append("<section id=\"history\"><h2>Recorded history</h2><div class=\"grid\">" + trends.joined() + "</div></section>")
        }
        body.append(table(report))
        body.append(method(report))
        let footer =
            "Generated \(Self.timestamp(report.createdAt))" + (report.generator.map { " by " + Markup.escape($0) } ?? " by perfgate")
            + (links.historyURL.map { " · <a href=\"\(Markup.escape($0))\">history of every benchmark</a>" } ?? "")
        return HTMLPage.page(title: "perfgate: \(report.headline)", body: body, footer: footer)
    }

    /// "What failed": each regression, failed target and missing benchmark once, and what to do.
    func failures(_ report: GateReport) -> [String] {
        let regressions = report.sortedComparisons.filter { $0.verdict == .regressed }
        guard !regressions.isEmpty || !report.failedTargets.isEmpty || !report.missingBenchmarks.isEmpty else { return [] }
        let items =
            regressions.map { c in
                "<li>" + Markup.escape(c.explanation)
                    + (historyLink(c.benchmark, c.metric).map { " (<a href=\"\(Markup.escape($0))\">history</a>)" } ?? "") + "</li>"
            }
            + report.failedTargets.map { "<li>\(Markup.escape($0.explanation))</li>" }
            + report.missingBenchmarks.map {
                "<li>\(Markup.escape("\($0) is in the baseline but did not run: " + GateReport.missingAdvice))</li>"
            }
        return [
            "<section id=\"failed\"><h2>What failed</h2><ul>" + items.joined()
                + "</ul><p><b>What to do:</b> \(Markup.escape(report.advice))</p></section>"
        ]
    }

    /// Every metric, worst first. A reason shared by many rows is written once below the table and
    /// referred to by number.
    func table(_ report: GateReport) -> String {
        let header = MetricComparison.tableHeader(report.mode) + ["why"]
        var reasons: [String] = []
        var rows: [String] = []
        let numeric: Set<Int> = [3, 4, 5, 6, 7, 8, 9]
        for c in report.sortedComparisons {
            var cells = c.tableCells(report.mode).enumerated().map { i, cell in
                "<td class=\"\(numeric.contains(i) ? "num" : (i == 1 ? "name" : ""))\">\(Markup.escape(cell))</td>"
            }
            if let reason = c.reason {
                let index: Int
                if let found = reasons.firstIndex(of: reason) {
                    index = found
                } else {
                    reasons.append(reason)
                    index = reasons.count - 1
                }
                cells.append("<td><a href=\"#why-\(index + 1)\">[\(index + 1)]</a></td>")
            } else {
                cells.append("<td></td>")
            }
            rows.append("<tr style=\"color:\(HTMLPage.colour(c.verdict))\">" + cells.joined() + "</tr>")
        }
        return "<section id=\"metrics\"><h2>All metrics</h2><input id=\"filter\" placeholder=\"filter benchmarks…\">"
            + "<div class=\"wide\"><table id=\"metrics\" data-filter><thead><tr>" + header.map { "<th>\(Markup.escape($0))</th>" }.joined()
            + "</tr></thead><tbody>" + rows.joined(separator: "\n") + "</tbody></table></div>"
            + (reasons.isEmpty
                ? ""
                : "<ol class=\"why\">"
                    + reasons.enumerated().map { "<li id=\"why-\($0.offset + 1)\">\(Markup.escape($0.element))</li>" }.joined()
                    + "</ol>")
            + "</section>"
    }

    /// How the numbers were obtained: mode, α, rounds per side, tolerance(s), drift allowance,
    /// baseline sessions, then the method in words.
    func method(_ report: GateReport) -> String {
        let compared = report.comparisons.filter { $0.change != nil && $0.isGated }
        var items: [(String, String)] = [("mode", report.mode.rawValue), ("α", Format.pValue(report.alpha))]
        func range(_ values: [Int]) -> String {
            guard let low = values.min(), let high = values.max() else { return "–" }
            return low == high ? "\(low)" : "\(low)–\(high)"
        }
        if report.mode == .paired {
            items.append(("pairs per metric", range(compared.map { min($0.baselineSamples, $0.currentSamples) })))
        } else {
            items.append(
                (
                    "rounds per side",
                    "baseline " + range(compared.map(\.baselineSamples)) + ", current " + range(compared.map(\.currentSamples))
                ))
            let sessions = compared.compactMap(\.baselineSessions).max()
            items.append(("baseline sessions", sessions.map(String.init) ?? "1 (between-session variation unknown)"))
            if let drift = report.driftAllowance {
                items.append(("drift allowance", "±" + Format.percent(drift, signed: false) + " added to each interval"))
            }
        }
        let tolerances = Dictionary(grouping: compared, by: \.tolerance).sorted { $0.value.count > $1.value.count }
        items.append(
            (
                "tolerance",
                tolerances.map { "±\(Format.percent($0.key, signed: false)) (\($0.value.count) metrics)" }.joined(separator: ", ")
            ))
        return "<section id=\"method\"><h2>Method</h2><dl class=\"method\">"
            + items.map { "<dt>\(Markup.escape($0.0))</dt><dd>\(Markup.escape($0.1))</dd>" }.joined()
            + "<dt>how</dt><dd>\(Markup.escape(report.method))</dd></dl></section>"
    }

    /// ` (<code>abcdef012345</code>)` for a commit, nothing without one.
    static func commit(_ id: String?) -> String { id.map { " (<code>\(Markup.escape(String($0.prefix(12))))</code>)" } ?? "" }

    static func timestamp(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd HH:mm 'UTC'"
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.locale = Locale(identifier: "en_US_POSIX")
        return formatter.string(from: date)
    }
}
