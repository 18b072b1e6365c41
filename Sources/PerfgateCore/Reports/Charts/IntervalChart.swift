import Foundation

/// The changes of the gated metrics as interval bars, one row each, on one axis of "how much
/// worse": a latency that rose and a throughput that fell both plot to the right, and the axis
/// says so in words (`20 % worse`, `20 % better`) rather than with a sign that only holds for one
/// kind of metric. Each row is labelled with the metric's own change and interval as measured; a
/// bar the axis cannot hold ends in an arrow, and the shaded band is that row's tolerance.
struct IntervalChart {
    var rows: [MetricComparison]

    static let width = 1100.0
    static let rowHeight = 18.0
    static let labelWidth = 470.0
    static let valueWidth = 210.0

    /// How much worse a change of `value` is for `c` (positive: worse).
    static func worse(_ value: Double, _ c: MetricComparison) -> Double { c.direction == .lowerIsBetter ? value : -value }

    /// The SVG (empty without rows).
    func render() -> String {
        guard !rows.isEmpty else { return "" }
        let plotLeft = Self.labelWidth + 10
        let plotRight = Self.width - Self.valueWidth - 10
        // The axis holds the 90th percentile of the rows' extents (one very noisy metric does not
        // flatten the rest; its bar ends in an arrow) and at least twice the widest tolerance.
        let extents = rows.map { c in
            max(abs(c.intervalLow ?? 0), abs(c.intervalHigh ?? 0), abs(c.change ?? 0))
        }.sorted()
        let widest = rows.map(\.tolerance).max() ?? 0.05
        let extent = min(2, max(widest * 2, Quantile.quantile(sorted: extents, 0.9) * 1.1, 0.02))
        let scale = ChartScale(values: [-extent, extent], unit: "%")
        let limit = max(abs(scale.low), abs(scale.high))
        func x(_ worse: Double) -> Double { plotLeft + (plotRight - plotLeft) * (max(-limit, min(limit, worse)) + limit) / (2 * limit) }
        let top = 26.0
        let height = top + Double(rows.count) * Self.rowHeight + 44
        var svg = SVG.open(width: Self.width, height: height, label: "changes of the gated metrics with their intervals", kind: "intervals")
        svg += "<text x=\"\(SVG.n(plotLeft))\" y=\"12\">← better</text>"
        svg += "<text x=\"\(SVG.n(plotRight))\" y=\"12\" text-anchor=\"end\">worse →</text>"
        svg += "<text x=\"\(SVG.n(Self.width - Self.valueWidth))\" y=\"12\">change as measured [interval]</text>"
        for (i, c) in rows.enumerated() {
            let y = top + Double(i) * Self.rowHeight + Self.rowHeight / 2
            let colour = HTMLPage.colour(c.verdict)
            svg += "<g class=\"interval-row\" data-verdict=\"\(c.verdict.rawValue)\">"
            svg +=
                "<rect class=\"tolerance\" x=\"\(SVG.n(x(-c.tolerance)))\" y=\"\(SVG.n(y - 7))\" "
                + "width=\"\(SVG.n(x(c.tolerance) - x(-c.tolerance)))\" height=\"14\" fill=\"#dfe6ea\" stroke=\"#b0bec5\" "
                + "stroke-dasharray=\"2 2\"><title>tolerance ±\(Format.percent(c.tolerance, signed: false))</title></rect>"
            let label = "\(c.benchmark) \(c.metric)"
            svg +=
                "<text x=\"0\" y=\"\(SVG.n(y + 3.5))\">\(Markup.escape(label.count > 80 ? String(label.prefix(79)) + "…" : label))"
                + "<title>\(Markup.escape(label))</title></text>"
            if let low = c.intervalLow, let high = c.intervalHigh {
                let a = Self.worse(low, c)
                let b = Self.worse(high, c)
                let (from, to) = (min(a, b), max(a, b))
                svg +=
                    "<line x1=\"\(SVG.n(x(from)))\" x2=\"\(SVG.n(x(to)))\" y1=\"\(SVG.n(y))\" y2=\"\(SVG.n(y))\" stroke=\"\(colour)\" "
                    + "stroke-width=\"5\"/>"
                if to > limit {
                    svg += "<path class=\"clipped\" d=\"M\(SVG.n(plotRight)) \(SVG.n(y - 6))l8 6l-8 6z\" fill=\"\(colour)\"/>"
                }
                if from < -limit {
                    svg += "<path class=\"clipped\" d=\"M\(SVG.n(plotLeft)) \(SVG.n(y - 6))l-8 6l8 6z\" fill=\"\(colour)\"/>"
                }
            }
            if let change = c.change {
                svg += "<circle cx=\"\(SVG.n(x(Self.worse(change, c))))\" cy=\"\(SVG.n(y))\" r=\"3\" fill=\"#263238\"/>"
                var text = Format.change(change)
                if let low = c.intervalLow, let high = c.intervalHigh { text += " " + Format.interval(low, high) }
                svg +=
                    "<text class=\"value\" x=\"\(SVG.n(Self.width - Self.valueWidth))\" y=\"\(SVG.n(y + 3.5))\" "
                    + "fill=\"\(colour)\">\(Markup.escape(text))</text>"
            }
            svg += "</g>"
        }
        // The axis: ticks in words, the zero line, and its title.
        let bottom = top + Double(rows.count) * Self.rowHeight
        svg += "<g class=\"axis value-axis\" data-unit=\"%\">"
        svg +=
            "<line x1=\"\(SVG.n(plotLeft))\" x2=\"\(SVG.n(plotRight))\" y1=\"\(SVG.n(bottom + 2))\" "
            + "y2=\"\(SVG.n(bottom + 2))\" stroke=\"#90a4ae\"/>"
        for tick in scale.ticks where abs(tick) <= limit + 1e-12 {
            let tx = x(tick)
            let word =
                abs(tick) < 1e-12
                ? "0"
                : "\(Format.percent(abs(tick), signed: false).replacingOccurrences(of: ".0 ", with: " ")) \(tick > 0 ? "worse" : "better")"
            svg +=
                "<line x1=\"\(SVG.n(tx))\" x2=\"\(SVG.n(tx))\" y1=\"\(SVG.n(bottom + 2))\" y2=\"\(SVG.n(bottom + 6))\" stroke=\"#90a4ae\"/>"
            svg += "<text class=\"tick\" x=\"\(SVG.n(tx))\" y=\"\(SVG.n(bottom + 17))\" text-anchor=\"middle\">\(word)</text>"
        }
        svg += "<line x1=\"\(SVG.n(x(0)))\" x2=\"\(SVG.n(x(0)))\" y1=\"\(SVG.n(top - 4))\" y2=\"\(SVG.n(bottom + 2))\" stroke=\"#37474f\"/>"
        svg +=
            "<text class=\"axis-label\" x=\"\(SVG.n((plotLeft + plotRight) / 2))\" y=\"\(SVG.n(bottom + 34))\" text-anchor=\"middle\">"
            + "change toward worse (%): a slower latency and a lower throughput both plot right</text></g>"
        svg += "</svg>"
        return svg
    }
}
