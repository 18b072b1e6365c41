import Foundation

/// The one number formatter: every renderer, the suite's summary and the history table use it.
public enum Format {
    /// A fraction as a percentage with one decimal (`+5.0 %`), signed unless asked not to be.
    public static func percent(_ value: Double, signed: Bool = true) -> String {
        let text = String(format: "%.1f %%", abs(value) * 100)
        guard signed else { return text }
        return (value < 0 ? "-" : "+") + text
    }

    /// A relative change for reading: a signed percentage below +100 %, a factor from there on
    /// (`2.76×`), so that a skewed change such as +1,663 % reads as "17.6×", not as a percentage
    /// nobody can picture.
    public static func change(_ value: Double) -> String {
        guard value >= 1 else { return percent(value) }
        let factor = 1 + value
        return String(format: factor >= 10 ? "%.0f×" : "%.2f×", factor)
    }

    /// An interval of relative changes in the wording of ``change(_:)``: `[+2.0 %, +9.5 %]`, `[2.03×, 17.6×]`.
    public static func interval(_ low: Double, _ high: Double) -> String {
        "[" + change(low) + ", " + change(high) + "]"
    }

    /// A p-value with four decimals, or in scientific notation below 0.0001.
    public static func pValue(_ p: Double) -> String {
        if p < 1e-16 { return "<1e-16" }
        if p < 0.0001 { return String(format: "%.1e", p) }
        return String(format: "%.4f", p)
    }

    /// A value with its unit, scaled for reading (ns → µs/ms/s, msg/s → M msg/s).
    public static func value(_ value: Double, unit: String) -> String {
        switch unit {
        case "ns":
            if value >= 1e9 { return String(format: "%.2f s", value / 1e9) }
            if value >= 1e6 { return String(format: "%.2f ms", value / 1e6) }
            if value >= 1e3 { return String(format: "%.2f µs", value / 1e3) }
            return String(format: "%.0f ns", value)
        case "msg/s":
            if value >= 1e6 { return String(format: "%.2fM msg/s", value / 1e6) }
            return String(format: "%.1fk msg/s", value / 1e3)
        case "s":
            return value >= 1 ? String(format: "%.3f s", value) : String(format: "%.2f ms", value * 1e3)
        case "B":
            let kibibyte = 1024.0
            if value >= kibibyte * kibibyte * kibibyte { return String(format: "%.2f GiB", value / (kibibyte * kibibyte * kibibyte)) }
            if value >= kibibyte * kibibyte { return String(format: "%.1f MiB", value / (kibibyte * kibibyte)) }
            if value >= 10 * kibibyte { return String(format: "%.1f KiB", value / kibibyte) }
            return String(format: "%.0f B", value)
        default:
            return String(format: value >= 100 ? "%.0f %@" : "%.3g %@", value, unit)
        }
    }
}
