import Foundation

/// A word-sized trend for the history dashboard's index: one metric's medians over the history,
/// its lowest and highest value printed with the unit at the left (the axis), the newest value a dot.
struct Sparkline {
    var series: HistorySeries

    static let width = 250.0
    static let height = 40.0

    /// The SVG (empty with fewer than two commits).
    func render() -> String {
        guard series.points.count >= 2 else { return "" }
        let columns = TrendChart.columns(series, maximum: 120)
        let values = columns.map(\.value)
        let scale = ChartScale(values: values, unit: series.unit, minimumRelativeSpan: 0.2)
        let left = 88.0
        let right = Self.width - 6
        let top = 5.0
        let bottom = Self.height - 5
        func x(_ i: Int) -> Double { left + (right - left) * Double(i) / Double(max(1, columns.count - 1)) }
        func y(_ v: Double) -> Double { scale.position(v, from: bottom, to: top) }
        var svg = SVG.open(
            width: Self.width, height: Self.height, label: "trend of \(series.benchmark) \(series.metric)", kind: "sparkline")
        svg += "<g class=\"axis value-axis\" data-unit=\"\(Markup.escape(scale.unitLabel))\">"
        svg += "<line x1=\"\(SVG.n(left - 3))\" x2=\"\(SVG.n(left - 3))\" y1=\"\(SVG.n(top))\" y2=\"\(SVG.n(bottom))\" stroke=\"#b0bec5\"/>"
        svg += "<text class=\"tick\" x=\"\(SVG.n(left - 6))\" y=\"\(SVG.n(top + 7))\" text-anchor=\"end\">\(scale.label(scale.high))</text>"
        svg += "<text class=\"tick\" x=\"\(SVG.n(left - 6))\" y=\"\(SVG.n(bottom))\" text-anchor=\"end\">\(scale.label(scale.low))</text>"
        svg += "<text class=\"axis-label\" x=\"2\" y=\"\(SVG.n(Self.height / 2 + 3))\">\(Markup.escape(scale.unitLabel))</text></g>"
        let line = values.enumerated().map { "\(SVG.n(x($0.offset))) \(SVG.n(y($0.element)))" }
        svg += "<path d=\"M\(line.joined(separator: "L"))\" fill=\"none\" stroke=\"#1565c0\" stroke-width=\"1.2\"/>"
        if let last = values.last {
            svg +=
                "<circle cx=\"\(SVG.n(x(values.count - 1)))\" cy=\"\(SVG.n(y(last)))\" r=\"2.2\" fill=\"#1565c0\"><title>newest: "
                + "\(Format.value(last, unit: series.unit))</title></circle>"
        }
        return svg + "</svg>"
    }
}
