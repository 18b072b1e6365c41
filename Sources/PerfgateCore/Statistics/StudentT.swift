import Foundation

/// Two-sample t-tests.
public enum StudentT {
    /// Student's t-test with pooled variance, two-sided, from summary statistics, as SciPy's
    /// `ttest_ind_from_stats(..., equal_var=True)`; Otava passes population standard deviations
    /// (`np.std`, ddof 0), and so does the change-point detector here.
    public static func pooledTwoSided(mean1: Double, std1: Double, n1: Int, mean2: Double, std2: Double, n2: Int) -> Double {
        let df = Double(n1 + n2 - 2)
        guard df > 0 else { return 1 }
        let pooled = ((Double(n1) - 1) * std1 * std1 + (Double(n2) - 1) * std2 * std2) / df
        let denominator = (pooled * (1 / Double(n1) + 1 / Double(n2))).squareRoot()
        guard denominator > 0 else { return mean1 == mean2 ? .nan : 0 }
        return Distributions.studentTTwoSided((mean1 - mean2) / denominator, df: df)
    }
}
