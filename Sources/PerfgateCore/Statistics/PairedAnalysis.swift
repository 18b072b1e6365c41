import Foundation

/// The paired A/B analysis: base and head measured in interleaved rounds on one machine, each
/// metric judged on its per-round log ratios log(head / base).
///
/// **One estimand.** The mean log ratio, reported as the geometric-mean change exp(mean) − 1, with
/// Student's t interval (``PairedTTest``): test and interval are one formula, valid from a few pairs.
///
/// **Verdicts are read off the interval**, against the tolerance τ (changes worse than +τ matter):
/// *regressed* when its lower end is beyond +τ (this is the one-sided test of H0: change ≤ +τ),
/// *improved* when its upper end is beyond −τ, *unchanged* when it lies within ±τ (the two
/// one-sided tests of equivalence), *inconclusive* otherwise.
///
/// **The guarantee.** Look k of the K planned looks spends α_k of α (``AlphaSpending``: little at the
/// first looks); each of the m judged metrics gets a two-sided interval of miscoverage α_k / m at that
/// look. A verdict can only be false if its metric's interval missed the true change at the look
/// that decided it (a false *regressed* needs the lower end above a true change ≤ τ; a false
/// *unchanged* needs an end on the wrong side of a true change beyond ±τ). By the union bound over
/// metrics and looks, the chance that **any** verdict of the run — regressed, improved or unchanged,
/// of any metric, at any look, whatever the stopping rule — is false is at most Σ_k m · α_k / m = α.
/// The tests simulate the whole procedure to check it.
public struct PairedAnalysis {
    public var configuration: GateConfiguration
    /// Looks the sampling plan may take (K above); 1 for a single fixed-size analysis.
    public var plannedLooks: Int
    /// The metrics (``MetricComparison/id``) whose verdicts count, when only some do (a
    /// confirmation's flags): m is their number, and the other metrics are reported at the same
    /// level without being part of the guarantee. nil: every judged metric.
    public var family: Set<String>?

    /// An analysis under `configuration`, with α spent over `plannedLooks` looks.
    public init(configuration: GateConfiguration, plannedLooks: Int = 1, family: Set<String>? = nil) {
        self.configuration = configuration
        self.plannedLooks = max(1, plannedLooks)
        self.family = family
    }

    /// How α is spent over the looks.
    public var spending: AlphaSpending { AlphaSpending(alpha: configuration.gate.pairedAlpha, looks: plannedLooks) }

    /// The pair counts at which the adaptive mode looks: `initial`, then at least doubling (by at
    /// least `step`) up to `maximum`. Fixed before measuring, so α can be spent over its length.
    public static func lookSchedule(initial: Int, step: Int, maximum: Int) -> [Int] {
        var pairs = max(1, min(initial, maximum))
        var schedule = [pairs]
        while pairs < maximum {
            pairs += min(max(step, pairs), maximum - pairs)
            schedule.append(pairs)
        }
        return schedule
    }

    /// Compares paired rounds at look `look` of the plan (nil: the last, so a single analysis spends
    /// all of α). `base` and `head` are results whose samples line up round by round.
    public func compare(
        base: ResultFile, head: ResultFile, baseSource: String, headSource: String, look: Int? = nil,
        notes: [String] = []
    ) -> GateReport {
        let settings = configuration.gate
        let comparator = Comparator(configuration: configuration, mode: .paired)
        var comparisons: [MetricComparison] = []
        var paired: [Int: PairedTTest] = [:]
        for benchmark in head.benchmarks {
            guard let old = base.benchmark(benchmark.id) else { continue }
            for metric in benchmark.metrics {
                guard let oldMetric = old.metric(named: metric.name) else { continue }
                var c = comparator.compareMetric(benchmark: benchmark, metric: metric, baseline: oldMetric, statistics: false)
                // Compared timings get the paired interval (and, when judged, the paired verdict); where
                // pairs cannot be formed, the unpaired ones.
                let n = min(metric.samples.count, oldMetric.samples.count)
                let compared = c.kind == .timing && [.gated, .reportedOnly, .lowConfidence, .control].contains(c.gating)
                let logRatios = (0..<n).map { log(metric.samples[$0] / oldMetric.samples[$0]) }
                if compared, let test = PairedTTest(logRatios) {
                    c.change = exp(test.mean) - 1
                    c.baselineSamples = n
                    c.currentSamples = n
                    paired[comparisons.count] = test
                } else if compared {
                    comparator.addStatistics(&c, baseline: oldMetric, current: metric.samples)
                }
                comparisons.append(c)
            }
        }
        // m: the judged metrics of the family; each gets miscoverage α_k / m at this look.
        let judged = paired.keys.filter { comparisons[$0].gating == .gated && (family?.contains(comparisons[$0].id) ?? true) }
        let spent = spending.spent(at: look ?? plannedLooks)
        let miscoverage = spent / Double(max(1, judged.count))
        for (index, test) in paired {
            let interval = test.interval(miscoverage: miscoverage)
            var c = comparisons[index]
            c.intervalLow = exp(interval.lowerBound) - 1
            c.intervalHigh = exp(interval.upperBound) - 1
            c.minimumDetectableEffect = MinimumDetectableEffect.paired(
                tolerance: c.tolerance, standardError: test.standardError, degreesOfFreedom: test.degreesOfFreedom,
                miscoverage: miscoverage)
            if c.gating == .gated {
                // The one-sided test in the estimate's direction against the tolerance on that side
                // (H0: change ≤ +τ when the ratio rose, ≥ −τ when it fell), corrected so that it is
                // significant exactly when the interval's end clears the tolerance.
                let bound = log1p(c.tolerance)
                let p = test.mean >= 0 ? test.pValue(above: bound) : test.pValue(below: -bound)
                c.pValue = p
                c.adjustedPValue = min(1, p * 2 / miscoverage * settings.pairedAlpha)
                let decided = Self.decide(c, level: miscoverage)
                c.verdict = decided.verdict
                c.reason = decided.reason
            }
            comparisons[index] = c
        }
        return GateReport(
            mode: .paired, baselineSource: baseSource, currentSource: headSource,
            baselineCommit: base.run.commit, currentCommit: head.run.commit, scenario: head.run.scenario,
            profile: head.run.machine.profile, comparisons: comparisons, targets: comparator.checkTargets(head, baseline: base),
            notes: notes, alpha: settings.pairedAlpha)
    }

    /// The verdict read off the interval (see the type's note), with why when undecided.
    static func decide(_ c: MetricComparison, level: Double) -> (verdict: Verdict, reason: String?) {
        guard let low = c.intervalLow, let high = c.intervalHigh else { return (c.verdict, c.reason) }
        let worseLow = c.direction == .lowerIsBetter ? low : -high
        let worseHigh = c.direction == .lowerIsBetter ? high : -low
        if worseLow > c.tolerance { return (.regressed, nil) }
        if worseHigh < -c.tolerance { return (.improved, nil) }
        if low > -c.tolerance && high < c.tolerance { return (.unchanged, nil) }
        let tolerance = Format.percent(c.tolerance, signed: false)
        return (
            .inconclusive,
            "the interval (miscoverage \(Format.pValue(level)) at this look) reaches across the ±\(tolerance) tolerance: "
                + "more pairs would narrow it"
        )
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

    /// Whether every gated metric is decided (nothing inconclusive): the adaptive mode may stop.
    /// With `focus`, only the focused metrics count, and one that rules out a regression
    /// (``rulesOutRegression(_:)``) counts as settled.
    public static func isDecided(_ report: GateReport, focus: Set<String>? = nil) -> Bool {
        guard let focus else { return report.count(.inconclusive) == 0 }
        return report.comparisons.allSatisfy { !focus.contains($0.id) || isSettled($0) }
    }

    /// Whether a focused metric needs no more pairs: decided, or judged with an interval that
    /// rules out a regression (``rulesOutRegression(_:)``).
    public static func isSettled(_ c: MetricComparison) -> Bool {
        c.verdict != .inconclusive || (c.adjustedPValue != nil && rulesOutRegression(c))
    }
}
