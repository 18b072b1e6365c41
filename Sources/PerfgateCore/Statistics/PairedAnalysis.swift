import Foundation

/// The paired A/B analysis: base and head measured in interleaved rounds on one machine, each
/// metric judged on its per-round log ratios log(head / base) — a bootstrap interval of the
/// geometric-mean ratio, and a paired test with Holm across metrics.
///
/// **The test.** From 25 pairs on, the Wilcoxon signed-rank test. Below that its smallest
/// attainable p-value (2/2ⁿ) cannot reach the corrected level of a suite of a hundred metrics
/// (α/m ≈ 10⁻⁴), so the paired t-test on the log ratios decides: log ratios of round summaries
/// are close to normal, and an outlying pair widens the t interval rather than faking a shift.
///
/// **Looking repeatedly.** The adaptive mode analyses after every few rounds and stops once every
/// gated metric is decided. To keep the error rates despite the repeated looks, it spends α over
/// the looks it may take: the schedule of pair counts (8, 16, 32, … up to the pair cap) is fixed
/// before any data are seen, so the number of possible looks K is known, and every look tests at
/// α/K with intervals of coverage 1 − α/K. The per-look levels sum to α, so by the union bound the
/// chance of any false verdict over all looks stays within α, whatever the stopping rule (a
/// Bonferroni split over planned looks; it is conservative when the budget ends the run early).
/// A metric keeps the verdict of the first look that decided it.
public struct PairedAnalysis {
    public var configuration: GateConfiguration
    /// Looks the sampling plan may take (K above); 1 for a single fixed-size analysis.
    public var plannedLooks: Int

    /// An analysis under `configuration`, with α split over `plannedLooks` looks.
    public init(configuration: GateConfiguration, plannedLooks: Int = 1) {
        self.configuration = configuration
        self.plannedLooks = max(1, plannedLooks)
    }

    /// α spent on each look: α/K.
    public var alphaPerLook: Double { configuration.gate.pairedAlpha / Double(plannedLooks) }

    /// The pair counts at which the adaptive mode looks: `initial`, then at least doubling (by at
    /// least `step`) up to `maximum`. Fixed before measuring, so α can be split over its length.
    public static func lookSchedule(initial: Int, step: Int, maximum: Int) -> [Int] {
        var pairs = max(1, min(initial, maximum))
        var schedule = [pairs]
        while pairs < maximum {
            pairs += min(max(step, pairs), maximum - pairs)
            schedule.append(pairs)
        }
        return schedule
    }

    /// Compares paired rounds. `base` and `head` are results whose samples line up round by round.
    public func compare(
        base: ResultFile, head: ResultFile, baseSource: String, headSource: String,
        notes: [String] = []
    ) -> GateReport {
        let settings = configuration.gate
        let alpha = alphaPerLook
        let comparator = Comparator(configuration: configuration, mode: .paired)
        var comparisons: [MetricComparison] = []
        var gatedIndices: [Int] = []
        var pValues: [Double] = []
        for benchmark in head.benchmarks {
            guard let old = base.benchmark(benchmark.id) else { continue }
            for metric in benchmark.metrics {
                guard let oldMetric = old.metric(named: metric.name) else { continue }
                var c = comparator.compareMetric(benchmark: benchmark, metric: metric, baseline: oldMetric, statistics: false)
                // Compared timings get the paired interval (and, when judged, the paired test); where
                // pairs cannot be formed, the unpaired ones.
                let n = min(metric.samples.count, oldMetric.samples.count)
                let compared = c.kind == .timing && [.gated, .reportedOnly, .lowConfidence, .control].contains(c.gating)
                if compared, n < 2 || metric.samples.prefix(n).contains(0) || oldMetric.samples.prefix(n).contains(0) {
                    comparator.addStatistics(&c, baseline: oldMetric, current: metric.samples)
                } else if compared {
                    let logRatios = (0..<n).map { log(metric.samples[$0] / oldMetric.samples[$0]) }
                    let coverage = 1 - alpha
                    let resamples = min(100_000, max(settings.bootstrapResamples, Int(20 / alpha)))
                    let interval = Bootstrap.geometricMeanChange(
                        logRatios: logRatios, resamples: resamples, confidence: coverage, seed: settings.seed)
                    c.change = exp(logRatios.reduce(0, +) / Double(n)) - 1
                    c.intervalLow = interval.lowerBound
                    c.intervalHigh = interval.upperBound
                    c.minimumDetectableEffect = c.tolerance + (interval.upperBound - interval.lowerBound) / 2
                    c.baselineSamples = n
                    c.currentSamples = n
                    if c.gating == .gated {
                        c.pValue = Self.pairedPValue(logRatios)
                        gatedIndices.append(comparisons.count)
                        pValues.append(c.pValue!)
                    }
                }
                comparisons.append(c)
            }
        }
        let adjusted = MultipleComparisons.holm(pValues)
        for (k, index) in gatedIndices.enumerated() {
            comparisons[index].adjustedPValue = adjusted[k]
            let decided = Comparator.decide(comparisons[index], significant: adjusted[k] < alpha, alpha: alpha, mode: .paired)
            comparisons[index].verdict = decided.verdict
            comparisons[index].reason = decided.reason
        }
        return GateReport(
            mode: .paired, baselineSource: baseSource, currentSource: headSource,
            baselineCommit: base.run.commit, currentCommit: head.run.commit, scenario: head.run.scenario,
            profile: head.run.machine.profile, comparisons: comparisons, targets: comparator.checkTargets(head, baseline: base),
            notes: notes, alpha: settings.pairedAlpha)
    }

    /// Keeps verdicts reached at earlier looks: a metric decided at look k was decided at that
    /// look's spent level, which the union bound already covers, so later looks do not reopen it.
    /// `decided` accumulates the decided metrics by id.
    ///
    /// With `focus` (a confirmation of flagged metrics), a focused metric whose interval rules out a
    /// regression beyond the tolerance (``rulesOutRegression(_:)``) is settled too and kept: it
    /// stays inconclusive — "unchanged" needs both sides — but it can no longer fail the build.
    /// The same union bound covers this: a real regression beyond the tolerance shows an interval
    /// wholly inside it at some look with probability at most α.
    public static func carryForward(_ report: inout GateReport, decided: inout [String: MetricComparison], focus: Set<String>? = nil) {
        for index in report.comparisons.indices {
            let c = report.comparisons[index]
            if let earlier = decided[c.id] {
                report.comparisons[index] = earlier
            } else if c.adjustedPValue != nil, [.regressed, .improved, .unchanged].contains(c.verdict) {
                decided[c.id] = c
            } else if let focus, focus.contains(c.id), c.adjustedPValue != nil, c.verdict == .inconclusive, rulesOutRegression(c) {
                var settled = c
                let bound = c.direction == .lowerIsBetter ? c.intervalHigh : c.intervalLow.map { -$0 }
                settled.reason =
                    "not confirmed: the paired interval puts it at worst \(Format.percent(bound ?? 0)) worse, "
                    + "within the \(Format.percent(c.tolerance, signed: false)) tolerance"
                report.comparisons[index] = settled
                decided[c.id] = settled
            }
        }
        report.updateOutcome()
    }

    /// Whether a paired comparison's interval rules out a regression beyond its tolerance (its
    /// worse end lies within the tolerance), so no later look could call it regressed.
    public static func rulesOutRegression(_ c: MetricComparison) -> Bool {
        guard let low = c.intervalLow, let high = c.intervalHigh else { return false }
        let worstWorse = c.direction == .lowerIsBetter ? high : -low
        return worstWorse <= c.tolerance
    }

    /// The paired test's p-value (see the type's note on the choice of test).
    public static func pairedPValue(_ logRatios: [Double]) -> Double {
        if logRatios.count >= 25 { return WilcoxonSignedRank.test(logRatios).pValue }
        let n = Double(logRatios.count)
        let mean = logRatios.reduce(0, +) / n
        let variance = logRatios.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)
        guard variance > 0 else { return mean == 0 ? 1 : 0 }
        return Distributions.studentTTwoSided(mean / (variance / n).squareRoot(), df: n - 1)
    }

    /// Whether every gated metric is decided (nothing inconclusive): the adaptive mode may stop.
    /// With `focus`, only the focused metrics count, and one that rules out a regression
    /// (``rulesOutRegression(_:)``) counts as settled.
    public static func isDecided(_ report: GateReport, focus: Set<String>? = nil) -> Bool {
        guard let focus else { return report.count(.inconclusive) == 0 }
        return report.comparisons.allSatisfy { c in
            !focus.contains(c.id) || c.verdict != .inconclusive || (c.adjustedPValue != nil && rulesOutRegression(c))
        }
    }
}
