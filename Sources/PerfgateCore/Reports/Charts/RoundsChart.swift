import Foundation

/// Every round of one metric, the baseline's and the current run's side by side (a strip plot):
/// what was actually measured, not a summary of it. Each round is a dot (spread sideways so that
/// equal values stay visible), each side's median a bar, and the shaded band the baseline median
/// ± the tolerance. In paired mode the sides are base and head and a faint line joins the two
/// rounds of each pair, since the paired change is the mean of those per-pair ratios.
struct RoundsChart {
    var comparison: MetricComparison
    var mode: GateReport.Mode

    static let width = 340.0
    static let height = 196.0

    /// A dot's sideways offset for round `index`: a low-discrepancy sequence, deterministic.
    static func jitter(_ index: Int) -> Double {
        let golden = 0.618_033_988_749_895
        return (Double(index) * golden).truncatingRemainder(dividingBy: 1) - 0.5
    }

    /// The SVG, or nil when the comparison kept no rounds.
    func render() -> String? {
        guard let rounds = comparison.rounds, !rounds.baseline.isEmpty, !rounds.current.isEmpty else { return nil }
        let c = comparison
        let paired = mode == .paired
        let names = paired ? ("base", "head") : ("baseline", "current")
        let baseMedian = Quantile.median(rounds.baseline) ?? c.baselineMedian ?? 0
        let currentMedian = Quantile.median(rounds.current) ?? c.currentMedian ?? 0
        let band = [baseMedian * (1 - c.tolerance), baseMedian * (1 + c.tolerance)]
        let scale = ChartScale(values: rounds.baseline + rounds.current, unit: c.unit, including: band, minimumRelativeSpan: 0.1)
        let top = 10.0
        let bottom = 160.0
        let axisX = 62.0
        let columns = (160.0, 270.0)
        func y(_ v: Double) -> Double { scale.position(v, from: bottom, to: top) }
        var svg = SVG.open(width: Self.width, height: Self.height, label: "every round of \(c.id)", kind: "rounds")
        svg += SVG.verticalAxis(scale, x: axisX, top: top, bottom: bottom, title: c.metric, gridTo: Self.width - 4)
        svg +=
            "<rect class=\"tolerance\" x=\"\(SVG.n(axisX + 1))\" y=\"\(SVG.n(y(band[1])))\" width=\"\(SVG.n(Self.width - axisX - 5))\" "
            + "height=\"\(SVG.n(max(0.5, y(band[0]) - y(band[1]))))\" fill=\"#e3eaee\" opacity=\"0.7\">"
            + "<title>baseline median ± tolerance (\(Format.percent(c.tolerance, signed: false)))</title></rect>"
        let spread = 64.0
        if paired && rounds.baseline.count == rounds.current.count {
            var d = ""
            for i in 0..<min(rounds.baseline.count, 256) {
                d +=
                    "M\(SVG.n(columns.0 + Self.jitter(i) * spread)) \(SVG.n(y(rounds.baseline[i])))"
                    + "L\(SVG.n(columns.1 + Self.jitter(i) * spread)) \(SVG.n(y(rounds.current[i])))"
            }
            svg += "<path class=\"pairs\" d=\"\(d)\" stroke=\"#b0bec5\" stroke-width=\"0.6\" fill=\"none\" opacity=\"0.6\"/>"
        }
        for (side, values, centre, colour) in [
            (names.0, rounds.baseline, columns.0, "#78909c"),
            (names.1, rounds.current, columns.1, HTMLPage.colour(c.verdict, neutral: "#1565c0")),
        ] {
            for (i, value) in values.enumerated() {
                svg +=
                    "<circle class=\"round\" data-side=\"\(side)\" cx=\"\(SVG.n(centre + Self.jitter(i) * spread))\" "
                    + "cy=\"\(SVG.n(y(value)))\" r=\"2.4\" fill=\"\(colour)\" fill-opacity=\"0.75\"><title>\(side) "
                    + "\(paired ? "pair" : "round") \(i + 1): \(Format.value(value, unit: c.unit))</title></circle>"
            }
        }
        for (side, median, centre) in [(names.0, baseMedian, columns.0), (names.1, currentMedian, columns.1)] {
            svg +=
                "<line class=\"median\" x1=\"\(SVG.n(centre - 40))\" x2=\"\(SVG.n(centre + 40))\" y1=\"\(SVG.n(y(median)))\" "
                + "y2=\"\(SVG.n(y(median)))\" stroke=\"#263238\" stroke-width=\"2\"><title>\(side) median "
                + "\(Format.value(median, unit: c.unit))</title></line>"
        }
        svg +=
            "<text x=\"\(SVG.n(columns.0))\" y=\"\(SVG.n(bottom + 15))\" text-anchor=\"middle\">\(names.0) "
            + "(\(rounds.baseline.count))</text>"
        svg +=
            "<text x=\"\(SVG.n(columns.1))\" y=\"\(SVG.n(bottom + 15))\" text-anchor=\"middle\">\(names.1) "
            + "(\(rounds.current.count))</text>"
        svg +=
            "<text x=\"\(SVG.n((columns.0 + columns.1) / 2))\" y=\"\(SVG.n(bottom + 30))\" text-anchor=\"middle\" fill=\"#546e7a\">"
            + "\(paired ? "pairs" : "rounds"); bar: median; band: baseline ± tolerance</text>"
        return svg + "</svg>"
    }
}
