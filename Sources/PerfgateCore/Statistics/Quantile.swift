/// Order statistics over samples.
public enum Quantile {
    /// The median (mean of the two middle values for an even count); nil for no samples.
    public static func median(_ values: [Double]) -> Double? {
        quantile(values, 0.5)
    }

    /// The `q`-quantile by linear interpolation between closest ranks (NumPy's default "linear"
    /// method, R type 7); nil for no samples.
    public static func quantile(_ values: [Double], _ q: Double) -> Double? {
        guard !values.isEmpty else { return nil }
        return quantile(sorted: values.sorted(), q)
    }

    /// The same on values already sorted ascending.
    public static func quantile(sorted: [Double], _ q: Double) -> Double {
        let h = Double(sorted.count - 1) * min(max(q, 0), 1)
        let low = Int(h.rounded(.down))
        let high = min(low + 1, sorted.count - 1)
        return sorted[low] + (h - Double(low)) * (sorted[high] - sorted[low])
    }
}
