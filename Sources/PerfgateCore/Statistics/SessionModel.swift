import Foundation

/// The stored-baseline comparison when the baseline holds several independent sessions: is *this
/// session* outside what sessions of the base code do?
///
/// Rounds of one session share that session's state of the machine (its clock, its neighbours,
/// its page cache), so they are not independent of one another, and a test that counts rounds as
/// the sample measures the session, not the code. Here the unit is the session (Kalibera & Jones,
/// "Rigorous Benchmarking in Reasonable Time", 2013): on the log scale, the baseline's `k` session
/// medians give a mean μ and a between-session standard deviation s; the current session's median
/// c is judged against the prediction interval for a new session,
///
///     c − μ  ±  t(1 − (1 − confidence)/2, k − 1) · √(s² (1 + 1/k) + se²)
///
/// where se is the current median's own standard error (from its rounds), added so that a
/// baseline whose sessions happened to agree does not make the interval too narrow. The p-value
/// is the two-sided t test of c − μ on the same scale. Changes are relative (`exp(·) − 1`).
public enum SessionModel {
    /// The change of the current session from the baseline's sessions, its interval and p-value;
    /// nil with fewer than 2 sessions or any non-positive value.
    /// With `screening`, the baseline's session spread is taken as known: normal quantiles and
    /// p-value instead of Student's t with k − 1 degrees of freedom (4.3 instead of 1.96 at k = 3),
    /// a screen that misses less and whose extra flags cost a confirmation, not a red build.
    public static func compare(sessionMedians: [Double], current: [Double], confidence: Double = 0.95, screening: Bool = false)
        -> (change: Double, low: Double, high: Double, pValue: Double)?
    {
        let k = sessionMedians.count
        guard k >= 2, current.count >= 2, sessionMedians.allSatisfy({ $0 > 0 }), current.allSatisfy({ $0 > 0 }) else { return nil }
        let logs = sessionMedians.map(log)
        let mean = logs.reduce(0, +) / Double(k)
        let between = logs.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(k - 1)
        guard let median = Quantile.median(current) else { return nil }
        let currentLogs = current.map(log)
        let centre = log(median)
        // Standard error of a median from n rounds: √(π/2) · sd / √n (normal rounds).
        let currentMean = currentLogs.reduce(0, +) / Double(currentLogs.count)
        let currentVariance = currentLogs.map { ($0 - currentMean) * ($0 - currentMean) }.reduce(0, +) / Double(currentLogs.count - 1)
        let standardError = (Double.pi / 2 * currentVariance / Double(currentLogs.count)).squareRoot()
        let scale = (between * (1 + 1 / Double(k)) + standardError * standardError).squareRoot()
        let difference = centre - mean
        let df = Double(k - 1)
        let quantile =
            screening
            ? Distributions.normalQuantile(1 - (1 - confidence) / 2) : Distributions.studentTQuantile(1 - (1 - confidence) / 2, df: df)
        let pValue: Double
        if scale > 0 {
            pValue =
                screening ? 2 * Distributions.normalSF(abs(difference / scale)) : Distributions.studentTTwoSided(difference / scale, df: df)
        } else {
            pValue = difference == 0 ? 1 : 0
        }
        return (exp(difference) - 1, exp(difference - quantile * scale) - 1, exp(difference + quantile * scale) - 1, pValue)
    }
}
