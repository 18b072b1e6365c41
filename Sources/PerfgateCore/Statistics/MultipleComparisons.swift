/// Family-wise error control across all gated metrics of a run.
public enum MultipleComparisons {
    /// Holm–Bonferroni adjusted p-values (monotone, capped at 1), in the input order. A metric is
    /// significant at family-wise level α when its adjusted p-value is below α.
    public static func holm(_ pValues: [Double]) -> [Double] {
        let m = pValues.count
        let order = pValues.indices.sorted { pValues[$0] < pValues[$1] }
        var adjusted = [Double](repeating: 1, count: m)
        var running = 0.0
        for (rank, index) in order.enumerated() {
            running = max(running, min(1, Double(m - rank) * pValues[index]))
            adjusted[index] = running
        }
        return adjusted
    }
}
