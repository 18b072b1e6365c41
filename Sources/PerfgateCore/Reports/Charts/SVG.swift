import Foundation

/// The few pieces of SVG every chart shares: compact coordinates, the opening tag and a labelled
/// value axis (text is escaped with ``Markup``). Charts are written as text (no DOM library), one `<svg class="chart">` each, with a
/// `viewBox` so that they scale down with the page instead of overflowing it.
enum SVG {
    /// A coordinate with one decimal: small files, and sub-pixel precision is invisible.
    static func n(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        let tenths = (value * 10).rounded()
        return tenths.truncatingRemainder(dividingBy: 10) == 0 ? String(Int(tenths / 10)) : String(tenths / 10)
    }

    /// The opening tag of a chart of `width` × `height` user units, labelled for screen readers.
    static func open(width: Double, height: Double, label: String, kind: String) -> String {
        "<svg class=\"chart \(kind)\" viewBox=\"0 0 \(n(width)) \(n(height))\" width=\"\(n(width))\" height=\"\(n(height))\" "
            + "role=\"img\" aria-label=\"\(Markup.escape(label))\">"
    }

    /// A vertical value axis at `x` from `top` to `bottom`: a line, a tick and label per tick of
    /// `scale` (right-aligned left of the line) and the rotated `title` with the unit, e.g.
    /// "p99 (µs)", centred along the axis at the chart's left edge.
    static func verticalAxis(_ scale: ChartScale, x: Double, top: Double, bottom: Double, title: String, gridTo: Double? = nil) -> String {
        var out = "<g class=\"axis value-axis\" data-unit=\"\(Markup.escape(scale.unitLabel))\">"
        out += "<line x1=\"\(n(x))\" x2=\"\(n(x))\" y1=\"\(n(top))\" y2=\"\(n(bottom))\" stroke=\"#90a4ae\"/>"
        for tick in scale.ticks {
            let y = scale.position(tick, from: bottom, to: top)
            if let gridTo {
                out += "<line x1=\"\(n(x))\" x2=\"\(n(gridTo))\" y1=\"\(n(y))\" y2=\"\(n(y))\" stroke=\"#eceff1\"/>"
            }
            out += "<line x1=\"\(n(x - 3))\" x2=\"\(n(x))\" y1=\"\(n(y))\" y2=\"\(n(y))\" stroke=\"#90a4ae\"/>"
            out += "<text class=\"tick\" x=\"\(n(x - 5))\" y=\"\(n(y + 3))\" text-anchor=\"end\">\(scale.label(tick))</text>"
        }
        let middle = (top + bottom) / 2
        let text = "\(String(title.prefix(24))) (\(scale.unitLabel))"
        out +=
            "<text class=\"axis-label\" x=\"9\" y=\"\(n(middle))\" text-anchor=\"middle\" transform=\"rotate(-90 9 \(n(middle)))\">"
            + "\(Markup.escape(text))</text></g>"
        return out
    }
}
