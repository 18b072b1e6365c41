import Foundation

/// A metric along the commit history: each commit's median as a line, the range of its rounds
/// shaded behind it, the baseline and its tolerance band, and the change points marked with the
/// commit that starts each new level. The value axis has ticks and units and spans at least ±10 %
/// of the series' middle, so that noise of a few percent looks like noise. Every commit (or, on a
/// long history, every group of neighbouring commits sharing a pixel column) answers a hover with
/// its commit id and values.
struct TrendChart {
    var series: HistorySeries
    var width: Double = 340
    var height: Double = 190

    /// Neighbouring commits drawn as one column when the history has more commits than this.
    static let maximumColumns = 200

    /// One drawn column: a commit, or a run of neighbouring commits.
    struct Column {
        var first: Int
        var last: Int
        var value: Double
        var low: Double
        var high: Double
    }

    /// The history cut into at most `maximumColumns` columns of neighbouring commits (each
    /// column's value the median of its commits' values, its range their rounds' typical range).
    static func columns(_ series: HistorySeries, maximum: Int) -> [Column] {
        let count = series.points.count
        let buckets = min(count, maximum)
        guard buckets > 0 else { return [] }
        return (0..<buckets).map { b in
            let first = b * count / buckets
            let last = max(first, (b + 1) * count / buckets - 1)
            let values = series.points[first...last].map(\.value)
            let value = values.count == 1 ? values[0] : Quantile.median(values) ?? values[0]
            // The typical range of one commit's rounds in the column (the median of their lows
            // and of their highs): a union over many commits would be as wide as the noisiest one.
            var low = value
            var high = value
            if !series.spread.isEmpty {
                let ranges = series.spread[first...last]
                low = min(value, Quantile.median(ranges.map(\.lowerBound)) ?? value)
                high = max(value, Quantile.median(ranges.map(\.upperBound)) ?? value)
            }
            return Column(first: first, last: last, value: value, low: low, high: high)
        }
    }

    /// The SVG (empty with fewer than two commits).
    func render() -> String {
        let points = series.points
        guard points.count >= 2 else { return "" }
        let columns = Self.columns(series, maximum: Self.maximumColumns)
        let left = 62.0
        let right = width - 8
        let top = 28.0
        let bottom = height - 34
        var band: [Double] = []
        if let baseline = series.baseline {
            band = [baseline] + (series.tolerance.map { [baseline * (1 - $0), baseline * (1 + $0)] } ?? [])
        }
        let scale = ChartScale(values: columns.map(\.value), unit: series.unit, including: band, minimumRelativeSpan: 0.2)
        func x(_ column: Int) -> Double { left + (right - left) * (Double(column) + 0.5) / Double(columns.count) }
        func y(_ v: Double) -> Double { scale.position(v, from: bottom, to: top) }
        let step = (right - left) / Double(columns.count)
        var svg = SVG.open(width: width, height: height, label: "history of \(series.benchmark) \(series.metric)", kind: "trend")
        svg += SVG.verticalAxis(scale, x: left, top: top, bottom: bottom, title: series.metric, gridTo: right)
        if let baseline = series.baseline {
            if let tolerance = series.tolerance {
                let hi = y(baseline * (1 + tolerance))
                let lo = y(baseline * (1 - tolerance))
                svg +=
                    "<rect class=\"tolerance\" x=\"\(SVG.n(left))\" y=\"\(SVG.n(hi))\" width=\"\(SVG.n(right - left))\" "
                    + "height=\"\(SVG.n(max(0.5, lo - hi)))\" fill=\"#e8f5e9\"><title>baseline ± tolerance "
                    + "(\(Format.percent(tolerance, signed: false)))</title></rect>"
            }
            svg +=
                "<line class=\"baseline\" x1=\"\(SVG.n(left))\" x2=\"\(SVG.n(right))\" y1=\"\(SVG.n(y(baseline)))\" "
                + "y2=\"\(SVG.n(y(baseline)))\" stroke=\"#2e7d32\" stroke-dasharray=\"5 3\"><title>baseline "
                + "\(Format.value(baseline, unit: series.unit))</title></line>"
        }
        // The rounds' range, then the medians.
        let upper = columns.enumerated().map { "\(SVG.n(x($0.offset))) \(SVG.n(y($0.element.high)))" }
        let lower = columns.enumerated().reversed().map { "\(SVG.n(x($0.offset))) \(SVG.n(y($0.element.low)))" }
        svg += "<path class=\"spread\" d=\"M\((upper + lower).joined(separator: "L"))Z\" fill=\"#bbdefb\" opacity=\"0.6\"/>"
        let line = columns.enumerated().map { "\(SVG.n(x($0.offset))) \(SVG.n(y($0.element.value)))" }
        svg += "<path class=\"median-line\" d=\"M\(line.joined(separator: "L"))\" fill=\"none\" stroke=\"#1565c0\" stroke-width=\"1.5\"/>"
        // What a hover names: each commit (or column of commits) and its values. A short history
        // draws a point per commit with its own tooltip; a long one keeps the texts in one
        // attribute that the page's script reads (a few hundred DOM elements per chart would make
        // a page of a hundred charts slow to open).
        var tips: [String] = []
        for (i, column) in columns.enumerated() {
            let first = points[column.first].commit.prefix(columns.count <= 120 ? 10 : 7)
            let what =
                column.first == column.last
                ? "\(first): \(Format.value(column.value, unit: series.unit))"
                : "\(first)…\(points[column.last].commit.prefix(7)) (\(column.last - column.first + 1) commits): median "
                    + Format.value(column.value, unit: series.unit)
            let range = " (rounds \(Format.value(column.low, unit: series.unit)) – \(Format.value(column.high, unit: series.unit)))"
            if columns.count <= 120 {
                svg +=
                    "<circle class=\"point\" cx=\"\(SVG.n(x(i)))\" cy=\"\(SVG.n(y(column.value)))\" r=\"2.2\" fill=\"#1565c0\">"
                    + "<title>\(Markup.escape(what + range))</title></circle>"
            } else {
                tips.append((what + range).replacingOccurrences(of: "|", with: "/"))
            }
        }
        if !tips.isEmpty {
            svg +=
                "<rect class=\"hover\" x=\"\(SVG.n(left))\" y=\"\(SVG.n(top))\" width=\"\(SVG.n(right - left))\" "
                + "height=\"\(SVG.n(bottom - top))\" fill=\"transparent\" data-left=\"\(SVG.n(left))\" data-right=\"\(SVG.n(right))\" "
                + "data-tips=\"\(Markup.escape(tips.joined(separator: "|")))\"/>"
        }
        // Change points: a dashed line at the first commit of the new level, labelled inside the
        // plot (anchored towards the middle so that a label at either end is never cut off).
        let columnOf: (Int) -> Int = { index in columns.firstIndex { $0.first <= index && index <= $0.last } ?? 0 }
        for (k, point) in series.changePoints.enumerated() where point.index < points.count {
            let cx = x(columnOf(point.index))
            let commit = points[point.index].commit
            let label = "\(commit.prefix(7)) \(Format.change(point.change))"
            let anchor = cx > (left + right) / 2 ? "end" : "start"
            let tx = anchor == "end" ? cx - 3 : cx + 3
            svg +=
                "<g class=\"change-point\"><line x1=\"\(SVG.n(cx))\" x2=\"\(SVG.n(cx))\" y1=\"\(SVG.n(top - 4))\" "
                + "y2=\"\(SVG.n(bottom))\" stroke=\"#c62828\" stroke-dasharray=\"3 2\"/>"
                + "<text x=\"\(SVG.n(tx))\" y=\"\(SVG.n(10 + Double(k % 2) * 11))\" text-anchor=\"\(anchor)\" fill=\"#c62828\">"
                + "\(Markup.escape(label))</text><title>change point at \(Markup.escape(commit)): "
                + "\(Format.value(point.meanBefore, unit: series.unit)) → \(Format.value(point.meanAfter, unit: series.unit)) "
                + "(\(Format.change(point.change)))</title></g>"
        }
        // The commit axis: oldest and newest commit, and how many.
        svg += "<g class=\"axis commit-axis\">"
        svg += "<line x1=\"\(SVG.n(left))\" x2=\"\(SVG.n(right))\" y1=\"\(SVG.n(bottom))\" y2=\"\(SVG.n(bottom))\" stroke=\"#90a4ae\"/>"
        svg += "<text class=\"tick\" x=\"\(SVG.n(left))\" y=\"\(SVG.n(bottom + 13))\">\(points[0].commit.prefix(7))</text>"
        svg +=
            "<text class=\"tick\" x=\"\(SVG.n(right))\" y=\"\(SVG.n(bottom + 13))\" text-anchor=\"end\">"
            + "\(points[points.count - 1].commit.prefix(7))</text>"
        svg +=
            "<text class=\"axis-label\" x=\"\(SVG.n((left + right) / 2))\" y=\"\(SVG.n(bottom + 27))\" text-anchor=\"middle\">"
            + "\(points.count) commits, oldest → newest</text></g>"
        return svg + "</svg>"
    }
}
