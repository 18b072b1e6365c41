import Foundation

/// A chart's value axis: the range it shows, ticks at round numbers and the unit they are printed
/// in (nanoseconds scaled to µs or ms, msg/s to M msg/s), so that every chart says what it measures
/// and a reader can read a value off it.
struct ChartScale {
    /// The lowest and highest value the axis shows (a tick each).
    var low: Double
    var high: Double
    var ticks: [Double]
    /// The unit tick labels are printed in, e.g. `µs`.
    var unitLabel: String
    /// Recorded values are divided by this to print them in ``unitLabel``.
    var divisor: Double
    var decimals: Int

    /// An axis that shows `values` and `including`; `minimumRelativeSpan` widens a flat series so
    /// that it spans at least that fraction of its middle value (a ±2 % wobble on an axis of ±10 %
    /// looks like what it is, not a cliff).
    init(values: [Double], unit: String, including extra: [Double] = [], minimumRelativeSpan: Double = 0) {
        var all = (values + extra).filter(\.isFinite)
        if all.isEmpty { all = [0, 1] }
        var low = all.min()!
        var high = all.max()!
        let middle = (low + high) / 2
        let span = abs(middle) * minimumRelativeSpan
        if high - low < span {
            low = middle - span / 2
            high = middle + span / 2
        }
        if high - low <= 0 {
            let pad = max(abs(high) * 0.05, 1e-9)
            low -= pad
            high += pad
        }
        if all.allSatisfy({ $0 >= 0 }) { low = max(0, low) }
        let rough = (high - low) / 4
        let magnitude = pow(10, floor(log10(rough)))
        let normalized = rough / magnitude
        let step = (normalized < 1.5 ? 1 : normalized < 3 ? 2 : normalized < 7 ? 5 : 10) * magnitude
        self.low = floor(low / step) * step
        self.high = ceil(high / step - 1e-9) * step
        ticks = stride(from: self.low, through: self.high + step / 1000, by: step).map { abs($0) < step / 1e6 ? 0 : $0 }
        let display = Self.displayUnit(unit, magnitude: max(abs(self.low), abs(self.high)))
        unitLabel = display.label
        divisor = display.divisor
        decimals = min(6, max(0, Int(-floor(log10(step / display.divisor) + 1e-9))))
    }

    /// The unit to print values of `unit` around `magnitude` in, and the divisor that gets there.
    static func displayUnit(_ unit: String, magnitude: Double) -> (label: String, divisor: Double) {
        switch unit {
        case "ns":
            if magnitude >= 1e9 { return ("s", 1e9) }
            if magnitude >= 1e6 { return ("ms", 1e6) }
            if magnitude >= 1e3 { return ("µs", 1e3) }
            return ("ns", 1)
        case "msg/s":
            if magnitude >= 1e6 { return ("M msg/s", 1e6) }
            if magnitude >= 1e3 { return ("k msg/s", 1e3) }
            return ("msg/s", 1)
        case "s":
            return magnitude >= 1 ? ("s", 1) : ("ms", 1e-3)
        default:
            if magnitude >= 1e6 { return ("M \(unit)", 1e6) }
            if magnitude >= 1e4 { return ("k \(unit)", 1e3) }
            return (unit.isEmpty ? "count" : unit, 1)
        }
    }

    /// A tick label: the value in ``unitLabel`` with as many decimals as the tick step needs.
    func label(_ value: Double) -> String { String(format: "%.\(decimals)f", value / divisor) }

    /// Where `value` falls between pixel positions `from` (at ``low``) and `to` (at ``high``),
    /// clamped to them.
    func position(_ value: Double, from: Double, to: Double) -> Double {
        let t = (value - low) / max(high - low, .leastNonzeroMagnitude)
        return from + (to - from) * Swift.max(0, Swift.min(1, t))
    }
}
