import Foundation

/// One self-contained HTML file (no network): the summary, confidence intervals drawn as bars
/// against the tolerance band, per-benchmark latency percentile curves (current against
/// baseline), and history trends with change points and commit ids. All charts are SVG
/// generated here.
public struct HTMLRenderer {
    /// A renderer.
    public init() {}

    static func esc(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    static func colour(_ verdict: Verdict) -> String {
        switch verdict {
        case .regressed: return "#c62828"
        case .improved: return "#2e7d32"
        case .inconclusive: return "#ef8f00"
        case .unchanged: return "#546e7a"
        default: return "#9e9e9e"
        }
    }

    /// A self-contained HTML page: the verdict, a filterable table, interval plots and trend charts of `history`.
    public func render(_ report: GateReport, history: [HistorySeries] = []) -> String {
        var body: [String] = []
        let outcomeColour = report.outcome == .regression ? "#c62828" : (report.outcome == .pass ? "#2e7d32" : "#ef8f00")
        body.append(
            "<header><h1>perfgate report</h1><p class=\"verdict\" style=\"border-color:\(outcomeColour)\">\(Self.esc(report.headline))</p>")
        body.append(
            "<p>Scenario <b>\(Self.esc(report.scenario))</b>, \(report.mode.rawValue) mode, profile "
                + "<code>\(Self.esc(report.profile))</code>. "
                + "Baseline: \(Self.esc(report.baselineSource))\(report.baselineCommit.map { " (<code>\($0.prefix(12))</code>)" } ?? ""); "
                + "current: \(Self.esc(report.currentSource))\(report.currentCommit.map { " (<code>\($0.prefix(12))</code>)" } ?? "").</p>")
        for note in report.notes { body.append("<p class=\"note\">Note: \(Self.esc(note))</p>") }
        if report.hasComparisons { body.append("<p class=\"note\">Method: \(Self.esc(report.method))</p>") }
        body.append(
            "<ul class=\"counts\">"
                + [Verdict.regressed, .improved, .inconclusive, .unchanged, .notGated].map {
                    "<li style=\"color:\(Self.colour($0))\"><b>\(report.count($0))</b> \($0.rawValue)</li>"
                }.joined() + "<li><b>\(report.failedTargets.count)</b> target(s) failed</li></ul></header>")
        // Regressions and targets.
        let regressions = report.sortedComparisons.filter { $0.verdict == .regressed }
        if !regressions.isEmpty || !report.failedTargets.isEmpty || !report.missingBenchmarks.isEmpty {
            body.append(
                "<section><h2>What failed</h2><ul>" + regressions.map { "<li>\(Self.esc($0.explanation))</li>" }.joined()
                    + report.failedTargets.map { "<li>\(Self.esc($0.explanation))</li>" }.joined()
                    + report.missingBenchmarks.map {
                        "<li>\(Self.esc("\($0) is in the baseline but did not run: " + GateReport.missingAdvice))</li>"
                    }.joined() + "</ul></section>")
        }
        if !report.targets.isEmpty {
            body.append(
                "<section><h2>Targets</h2><ul>"
                    + report.targets.map {
                        "<li class=\"t-\($0.status.rawValue.replacingOccurrences(of: " ", with: "-"))\">\(Self.esc($0.explanation))</li>"
                    }.joined() + "</ul></section>")
        }
        // Interval bars.
        let gated = report.sortedComparisons.filter { $0.intervalLow != nil && $0.verdict != .notGated }
        if !gated.isEmpty {
            body.append(
                "<section><h2>Changes with 95 % intervals</h2><p>Each bar is the interval of the relative change of the median; "
                    + "the shaded band is the tolerance. Worse is right for costs and left for throughput.</p>")
            body.append(intervalChart(Array(gated.prefix(60))))
            if gated.count > 60 { body.append("<p>(\(gated.count - 60) more in the table below)</p>") }
            body.append("</section>")
        }
        // Percentile curves per latency benchmark.
        let curves = percentileCurves(report)
        if !curves.isEmpty {
            body.append("<section><h2>Latency distributions</h2><div class=\"grid\">" + curves.joined() + "</div></section>")
        }
        // History trends.
        if !history.isEmpty {
            body.append("<section><h2>History</h2><div class=\"grid\">" + history.prefix(12).map(trendChart).joined() + "</div></section>")
        }
        // Full table.
        body.append(
            "<section><h2>All metrics</h2><input id=\"filter\" placeholder=\"filter benchmarks…\"><table id=\"metrics\"><thead><tr>"
                + (MetricComparison.tableHeader + ["why"]).map { "<th>\($0)</th>" }.joined()
                + "</tr></thead><tbody>")
        for c in report.sortedComparisons {
            let cells = c.tableCells + [c.reason ?? ""]
            body.append("<tr style=\"color:\(Self.colour(c.verdict))\">" + cells.map { "<td>\(Self.esc($0))</td>" }.joined() + "</tr>")
        }
        body.append("</tbody></table></section>")
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>perfgate: \(Self.esc(report.headline))</title>
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <style>
            body{font:14px/1.45 system-ui,-apple-system,Segoe UI,sans-serif;margin:24px auto;max-width:1200px;color:#1b1f23;padding:0 16px}
            h1{margin:0 0 8px}h2{border-bottom:1px solid #ddd;padding-bottom:4px;margin-top:32px}
            .verdict{font-size:20px;font-weight:600;border-left:6px solid;padding:6px 12px;background:#fafafa}
            .counts{display:flex;gap:24px;list-style:none;padding:0}.note{background:#fff8e1;padding:6px 10px}
            table{border-collapse:collapse;width:100%;font-size:12px}td,th{border-bottom:1px solid #eee;padding:3px 6px;text-align:left}
            th{position:sticky;top:0;background:#fff}code{background:#f3f3f3;padding:1px 4px}
            .grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(360px,1fr));gap:16px}
            figure{margin:0;border:1px solid #eee;padding:8px}figcaption{font-size:12px;margin-bottom:4px;word-break:break-all}
            svg text{font:10px system-ui,sans-serif}.t-failed{color:#c62828}.t-met{color:#2e7d32}.t-at-risk{color:#ef8f00}
            input{margin:8px 0;padding:4px 8px;width:320px}
            </style></head><body>
            \(body.joined(separator: "\n"))
            <script>
            (function(){var f=document.getElementById('filter');if(!f)return;
            f.addEventListener('input',function(){var q=f.value.toLowerCase();
            document.querySelectorAll('#metrics tbody tr').forEach(function(r){
            r.style.display=r.textContent.toLowerCase().indexOf(q)>=0?'':'none';});});
            document.body.setAttribute('data-rendered','yes');})();
            </script>
            </body></html>

            """
    }

    /// Horizontal interval bars, one row per metric, around a zero line with the tolerance band.
    func intervalChart(_ rows: [MetricComparison]) -> String {
        let width = 1100.0
        let rowHeight = 16.0
        let labelWidth = 520.0
        let plotWidth = width - labelWidth - 20
        // Scale to the 90th percentile of the rows' extents, so one very noisy metric does not
        // flatten the rest (its bar is clipped at the edge).
        let extents = rows.map { max(abs($0.intervalLow ?? 0), abs($0.intervalHigh ?? 0), $0.tolerance * 1.5) }.sorted()
        let extent = max(0.1, extents.isEmpty ? 0.1 : Quantile.quantile(sorted: extents, 0.9))
        let scale = min(extent, 1.0)
        func x(_ v: Double) -> Double { labelWidth + plotWidth / 2 + max(-1, min(1, v / scale)) * plotWidth / 2 }
        let height = Double(rows.count) * rowHeight + 30
        var svg = "<svg width=\"\(Int(width))\" height=\"\(Int(height))\" role=\"img\" aria-label=\"intervals\">"
        for (i, c) in rows.enumerated() {
            let y = 20 + Double(i) * rowHeight
            let sign = c.direction == .lowerIsBetter ? 1.0 : -1.0
            let low = sign * (sign > 0 ? c.intervalLow! : c.intervalHigh!)
            let high = sign * (sign > 0 ? c.intervalHigh! : c.intervalLow!)
            svg +=
                "<rect x=\"\(x(-c.tolerance))\" y=\"\(y - 6)\" width=\"\(x(c.tolerance) - x(-c.tolerance))\" height=\"12\" "
                + "fill=\"#eceff1\"/>"
            svg += "<text x=\"0\" y=\"\(y + 3)\">\(Self.esc(String("\(c.benchmark) \(c.metric)".prefix(86))))</text>"
            svg +=
                "<line x1=\"\(x(low))\" x2=\"\(x(high))\" y1=\"\(y)\" y2=\"\(y)\" stroke=\"\(Self.colour(c.verdict))\" stroke-width=\"5\"/>"
            if let change = c.change { svg += "<circle cx=\"\(x(sign * change))\" cy=\"\(y)\" r=\"3\" fill=\"#000\"/>" }
        }
        svg += "<line x1=\"\(x(0))\" x2=\"\(x(0))\" y1=\"8\" y2=\"\(height - 14)\" stroke=\"#333\"/>"
        svg += "<text x=\"\(x(-scale))\" y=\"\(height - 2)\">\(Format.percent(-scale)) (better)</text>"
        svg += "<text x=\"\(x(scale) - 80)\" y=\"\(height - 2)\">\(Format.percent(scale)) (worse)</text></svg>"
        return svg
    }

    /// Latency percentile curves (p50 … max) of current against baseline, one chart per benchmark.
    func percentileCurves(_ report: GateReport) -> [String] {
        let order = ["p50", "p90", "p99", "p99.9", "max"]
        var byBenchmark: [String: [MetricComparison]] = [:]
        for c in report.comparisons where c.unit == "ns" && order.contains(c.metric) { byBenchmark[c.benchmark, default: []].append(c) }
        return byBenchmark.keys.sorted().prefix(24).compactMap { benchmark in
            let points = order.compactMap { name in byBenchmark[benchmark]!.first { $0.metric == name } }
            guard points.count >= 3 else { return nil }
            let values = points.flatMap { [$0.baselineMedian ?? 0, $0.currentMedian ?? 0] }.filter { $0 > 0 }
            guard let top = values.max(), let bottom = values.min(), top > 0 else { return nil }
            let w = 340.0
            let h = 160.0
            let logTop = log10(top * 1.2)
            let logBottom = log10(max(1, bottom / 1.5))
            func x(_ i: Int) -> Double { 40 + Double(i) * (w - 60) / Double(points.count - 1) }
            func y(_ v: Double) -> Double { h - 20 - (log10(max(v, 1)) - logBottom) / max(1e-9, logTop - logBottom) * (h - 40) }
            func path(_ key: KeyPath<MetricComparison, Double?>) -> String {
                points.enumerated().compactMap { i, p in p[keyPath: key].map { "\(i == 0 ? "M" : "L")\(x(i)),\(y($0))" } }.joined(
                    separator: " ")
            }
            var svg = "<figure><figcaption>\(Self.esc(benchmark))</figcaption><svg width=\"\(Int(w))\" height=\"\(Int(h))\" role=\"img\">"
            svg += "<path d=\"\(path(\.baselineMedian))\" fill=\"none\" stroke=\"#90a4ae\" stroke-width=\"2\" stroke-dasharray=\"4 3\"/>"
            svg += "<path d=\"\(path(\.currentMedian))\" fill=\"none\" stroke=\"#1565c0\" stroke-width=\"2\"/>"
            for (i, p) in points.enumerated() {
                svg += "<text x=\"\(x(i) - 10)\" y=\"\(h - 4)\">\(p.metric)</text>"
                if let v = p.currentMedian {
                    svg +=
                        "<circle cx=\"\(x(i))\" cy=\"\(y(v))\" r=\"3\" fill=\"\(Self.colour(p.verdict))\"><title>\(p.metric): "
                        + "\(Format.value(v, unit: "ns"))</title></circle>"
                }
            }
            svg +=
                "<text x=\"2\" y=\"12\">\(Format.value(top, unit: "ns"))</text><text x=\"\(w - 150)\" y=\"12\" "
                + "fill=\"#1565c0\">current</text>"
            svg += "<text x=\"\(w - 90)\" y=\"12\" fill=\"#78909c\">baseline</text></svg></figure>"
            return svg
        }
    }

    /// A metric's history with its change points marked and labelled with their first commit.
    func trendChart(_ series: HistorySeries) -> String {
        guard series.points.count >= 2, let top = series.points.map(\.value).max(), let bottom = series.points.map(\.value).min() else {
            return ""
        }
        let w = 340.0
        let h = 170.0
        let span = max(top - bottom, top * 0.01)
        func x(_ i: Int) -> Double { 30 + Double(i) * (w - 40) / Double(series.points.count - 1) }
        func y(_ v: Double) -> Double { h - 30 - (v - bottom) / span * (h - 50) }
        var svg =
            "<figure><figcaption>\(Self.esc(series.benchmark)) \(Self.esc(series.metric))</figcaption>"
            + "<svg width=\"\(Int(w))\" height=\"\(Int(h))\" role=\"img\">"
        let line = series.points.enumerated().map { "\($0.offset == 0 ? "M" : "L")\(x($0.offset)),\(y($0.element.value))" }.joined(
            separator: " ")
        svg += "<path d=\"\(line)\" fill=\"none\" stroke=\"#1565c0\" stroke-width=\"1.5\"/>"
        for (i, p) in series.points.enumerated() {
            svg +=
                "<circle cx=\"\(x(i))\" cy=\"\(y(p.value))\" r=\"2\" fill=\"#1565c0\"><title>\(p.commit.prefix(10)): "
                + "\(Format.value(p.value, unit: series.unit))</title></circle>"
        }
        for point in series.changePoints where point.index < series.points.count {
            let cx = x(point.index)
            svg += "<line x1=\"\(cx)\" x2=\"\(cx)\" y1=\"10\" y2=\"\(h - 25)\" stroke=\"#c62828\" stroke-dasharray=\"3 2\"/>"
            svg +=
                "<text x=\"\(cx + 2)\" y=\"20\" fill=\"#c62828\">\(series.points[point.index].commit.prefix(8)) "
                + "\(Format.percent(point.change))</text>"
        }
        svg +=
            "<text x=\"2\" y=\"\(h - 4)\">\(Format.value(bottom, unit: series.unit)) … \(Format.value(top, unit: series.unit)), "
            + "oldest → newest</text></svg></figure>"
        return svg
    }
}
