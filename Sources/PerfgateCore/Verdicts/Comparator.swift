import Foundation
import PerfgateSupport

/// Compares a current run with a stored baseline, metric by metric, and checks the absolute targets.
///
/// Per metric against a baseline of several sessions: this session against the prediction
/// interval of a new session (``SessionModel``); against a one-session baseline: the relative
/// change of medians with a seeded bootstrap interval widened by the drift allowance, and a
/// two-sided Mann–Whitney U test. The p-values are corrected with Holm across all gated metrics
/// (a screen tests each on its own); then
/// - **regressed**: corrected p < α, the interval excludes no change, and the change is beyond
///   +tolerance in the worse direction;
/// - **improved**: the same in the better direction;
/// - **unchanged**: the interval wholly within ±tolerance;
/// - **inconclusive** otherwise.
/// Paired rounds are judged by ``PairedAnalysis``, which uses this type only for the per-metric
/// bookkeeping. Exact counters are compared without statistics. Percentiles with fewer than
/// `minimumTailSamples` operations beyond them per round are reported, not gated.
public struct Comparator {
    public var configuration: GateConfiguration
    public var mode: GateReport.Mode
    /// A screen for a confirmation stage (`perfgate check`): a metric judged against a baseline of
    /// several sessions is flagged on its own test at α, without Holm's correction across metrics.
    /// A screen should miss nothing; the paired confirmation, which controls the error rate across
    /// what it re-measures, decides. (With three baseline sessions the t test has 2 degrees of
    /// freedom, and no p-value of it could clear Holm's level across 150 metrics.)
    public var screening: Bool

    /// A comparator under `configuration`, for a stored baseline or paired rounds, as a screen or not.
    public init(configuration: GateConfiguration, mode: GateReport.Mode = .storedBaseline, screening: Bool = false) {
        self.configuration = configuration
        self.mode = mode
        self.screening = screening
    }

    var settings: GateConfiguration.Settings { configuration.gate }

    /// Compares `current` with `baseline` (nil: no baseline, targets only).
    public func compare(
        baseline: ResultFile?, current: ResultFile, baselineSource: String, currentSource: String,
        notes: [String] = []
    ) -> GateReport {
        var comparisons: [MetricComparison] = []
        var notes = notes
        var missingBenchmarks: [String] = []
        if let baseline {
            if baseline.run.scenario != current.run.scenario {
                notes.append("the baseline is from the \(baseline.run.scenario) scenario and the current run from \(current.run.scenario)")
            }
            if baseline.run.machine.isUnknown || current.run.machine.isUnknown {
                notes.append(
                    "machines unknown: \(baseline.run.machine.isUnknown ? "the baseline" : "the current run") came from another "
                        + "harness and carries no machine fingerprint"
                )
            }
            // A configuration written for the WAL suite names none of another harness's metrics:
            // gate them all by the default rule rather than none.
            var listedInResult = true
            if let names = settings.metrics, current.run.source != "perfgate",
                !current.benchmarks.contains(where: { $0.metrics.contains { names.contains($0.name) } })
            {
                listedInResult = false
                notes.append("gate.metrics names none of \(current.run.source)'s metrics, so all of them are gated (all but max)")
            }
            var zeroTimes: [String] = []
            defer {
                if !zeroTimes.isEmpty {
                    notes.append(
                        "\(zeroTimes.count) metric(s) have an impossible median time of 0, not compared: "
                            + zeroTimes.prefix(5).joined(separator: ", ") + (zeroTimes.count > 5 ? ", …" : "")
                            + " (the work is below what the harness can time, or its timer failed: give it more work per sample)")
                }
            }
            for benchmark in current.benchmarks {
                guard let old = baseline.benchmark(benchmark.id) else {
                    notes.append("\(benchmark.id) is new: no baseline to compare with")
                    continue
                }
                for metric in benchmark.metrics {
                    guard let oldMetric = old.metric(named: metric.name) else { continue }
                    comparisons.append(
                        compareMetric(benchmark: benchmark, metric: metric, baseline: oldMetric, listedInResult: listedInResult))
                    if metric.kind == .timing, ResultFile.isTimeUnit(metric.unit), metric.median == 0 || oldMetric.median == 0 {
                        zeroTimes.append("\(benchmark.id) \(metric.name)")
                    }
                }
            }
            let missing = baseline.benchmarks.map(\.id).filter { current.benchmark($0) == nil }
            if let shard = current.run.shard {
                if !missing.isEmpty {
                    notes.append(
                        "this run is shard \(shard.label) of group \(shard.group): the \(missing.count) baseline benchmark(s) of the "
                            + "other shards are not in it (compare the commit once every shard is recorded to judge them all)")
                }
            } else if let filters = current.run.filters, !filters.isEmpty {
                if !missing.isEmpty {
                    notes.append(
                        "\(missing.count) baseline benchmark(s) not selected by this run's filters (\(filters.joined(separator: ", "))): "
                            + missing.prefix(5).joined(separator: ", ") + (missing.count > 5 ? ", …" : ""))
                }
            } else {
                missingBenchmarks = missing
            }
            if mode == .storedBaseline {
                if let sessions = comparisons.compactMap(\.baselineSessions).max() {
                    notes.append(
                        "the baseline holds \(sessions) independent sessions: each metric is judged as this session against "
                            + "what sessions of the base code do (the session, not the round, is the unit of noise)")
                } else {
                    notes.append(
                        "the baseline holds one session, so how much whole sessions vary is unknown: each interval carries a "
                            + "fixed ±\(Format.percent(settings.driftFloor, signed: false)) allowance instead (gate.driftFloor); "
                            + "build a baseline of several sessions with `perfgate baseline update --from RUN --from RUN --from RUN`")
                }
            }
            applyHolm(&comparisons)
        }
        let targets = checkTargets(current, baseline: baseline)
        var report = GateReport(
            mode: mode, baselineSource: baselineSource, currentSource: currentSource,
            baselineCommit: baseline?.run.commit, currentCommit: current.run.commit,
            scenario: current.run.scenario, profile: current.run.machine.profile,
            comparisons: comparisons, targets: targets, notes: notes, alpha: settings.alpha, hasBaseline: baseline != nil,
            environment: mode == .storedBaseline ? EnvironmentShift.measure(comparisons) : nil, missingBenchmarks: missingBenchmarks)
        if mode == .storedBaseline && baseline != nil && !comparisons.contains(where: { $0.baselineSessions != nil }) {
            report.driftAllowance = settings.driftFloor
        }
        return report
    }

    /// Tail samples per round beyond percentile `name` (p99 → 1 %), or nil for non-percentiles.
    static func tailFraction(_ name: String) -> Double? {
        if name == "max" { return 0 }
        guard name.hasPrefix("p"), let q = Double(name.dropFirst()), q > 0, q < 100 else { return nil }
        return 1 - q / 100
    }

    /// Compares one metric. With `statistics` false (the paired analysis, which brings its own
    /// interval and test), a judged timing is returned inconclusive without an interval or p-value.
    func compareMetric(
        benchmark: BenchmarkResult, metric: Metric, baseline: Metric, listedInResult: Bool = true, statistics: Bool = true
    ) -> MetricComparison {
        let tolerance = configuration.tolerance(benchmark: benchmark.id, metric: metric.name, paired: mode == .paired)
        var result = MetricComparison(
            benchmark: benchmark.id, metric: metric.name, unit: metric.unit, direction: metric.direction,
            kind: metric.kind, baselineMedian: baseline.median, currentMedian: metric.median,
            baselineSamples: baseline.samples.count, currentSamples: metric.samples.count,
            tolerance: tolerance, verdict: .notGated)
        result.gating = .notCompared
        result.counterpart = benchmark.counterpart
        guard metric.available && baseline.available else {
            result.verdict = .unavailable
            result.reason = "unavailable on this machine: " + (metric.unavailableReason ?? baseline.unavailableReason ?? "no collector")
            return result
        }
        if !baseline.samples.isEmpty && !metric.samples.isEmpty {
            result.rounds = MetricComparison.Rounds(baseline: baseline.samples, current: metric.samples)
        }
        guard metric.unit == baseline.unit else {
            result.reason = "units differ (baseline \(baseline.unit), current \(metric.unit)): not comparable"
            return result
        }
        guard let old = baseline.median, let new = metric.median else {
            result.reason = "no usable baseline median"
            return result
        }
        if metric.kind == .timing, ResultFile.isTimeUnit(metric.unit), old == 0 || new == 0 {
            result.reason =
                "impossible median of 0 \(metric.unit) in the \(old == 0 ? "baseline" : "current run"): the work is below what the "
                + "harness can time, or its timer failed; not compared (give the benchmark more work per sample)"
            return result
        }
        guard old > 0 else {
            result.reason = "no usable baseline median (0 \(metric.unit))"
            return result
        }
        let change = new / old - 1
        result.change = change
        let worse = metric.direction == .lowerIsBetter ? 1.0 : -1.0
        if metric.kind == .counter {
            // Exact counters: the same code makes the same calls every round.
            let limit = max(tolerance, settings.counterTolerance)
            result.tolerance = limit
            result.gating = .gated
            result.verdict = worse * change > limit ? .regressed : (worse * change < -limit ? .improved : .unchanged)
            return result
        }
        if benchmark.isControl {
            result.reason = "control: runs no code under test, so it measures the machine"
            result.gating = .control
            if statistics { addStatistics(&result, baseline: baseline, current: metric.samples) }
            return result
        }
        if !configuration.isGated(metric: metric.name, listedInResult: listedInResult) {
            result.reason = "reported only (not in gate.metrics)"
            result.gating = .reportedOnly
            if statistics { addStatistics(&result, baseline: baseline, current: metric.samples) }
            return result
        }
        if let tail = Self.tailFraction(metric.name), let operations = benchmark.tags["operations"].flatMap(Double.init),
            operations * tail < Double(settings.minimumTailSamples)
        {
            result.reason =
                "low confidence: \(Int(operations * tail)) operation(s) per round beyond \(metric.name) "
                + "(needs \(settings.minimumTailSamples)); reported, not gated"
            result.gating = .lowConfidence
            if statistics { addStatistics(&result, baseline: baseline, current: metric.samples) }
            return result
        }
        guard baseline.samples.count >= 2 && metric.samples.count >= 2 else {
            result.reason = "needs at least 2 rounds on each side (has \(baseline.samples.count) and \(metric.samples.count))"
            return result
        }
        result.gating = .gated
        result.verdict = .inconclusive  // decided after the Holm correction
        if statistics { addStatistics(&result, baseline: baseline, current: metric.samples) }
        return result
    }

    /// The interval of a compared metric and, for a judged one, its p-value. Against a stored
    /// baseline of several sessions: this session against theirs (``SessionModel``). Otherwise
    /// (one session, or paired rounds that could not be paired): the bootstrap interval of the
    /// medians, widened by the drift allowance against a stored baseline, and Mann–Whitney.
    func addStatistics(_ result: inout MetricComparison, baseline: Metric, current: [Double]) {
        if mode == .storedBaseline, let sessions = baseline.sessionMedians, sessions.count >= 2,
            let model = SessionModel.compare(sessionMedians: sessions, current: current, screening: screening)
        {
            result.change = model.change
            result.intervalLow = model.low
            result.intervalHigh = model.high
            result.baselineSessions = sessions.count
            result.minimumDetectableEffect = minimumDetectableEffect(result, level: settings.alpha)
            if result.gating == .gated || result.gating == .control { result.pValue = model.pValue }
            return
        }
        _ = addInterval(&result, baseline: baseline.samples, current: current)
        if (result.gating == .gated || result.gating == .control) && result.kind == .timing {
            result.pValue = MannWhitneyU.test(baseline.samples, current).pValue
        }
    }

    private func addInterval(_ result: inout MetricComparison, baseline: [Double], current: [Double]) -> MetricComparison {
        guard baseline.count >= 2 && current.count >= 2, let change = result.change else { return result }
        let raw = Bootstrap.relativeChangeOfMedians(
            baseline: baseline, current: current, resamples: settings.bootstrapResamples,
            seed: settings.seed(for: result.id))
        let drift = mode == .storedBaseline ? settings.driftFloor : 0
        let low = change - ((change - raw.lowerBound) * (change - raw.lowerBound) + drift * drift).squareRoot()
        let high = change + ((raw.upperBound - change) * (raw.upperBound - change) + drift * drift).squareRoot()
        result.intervalLow = low
        result.intervalHigh = high
        result.minimumDetectableEffect = minimumDetectableEffect(result, level: settings.alpha)
        return result
    }

    /// The MDE of a comparison with `result`'s interval when its test must be significant at
    /// `level` (``MinimumDetectableEffect/stored(tolerance:scale:quantile:powerQuantile:)``): the
    /// interval's half-width on the log scale gives the estimate's scale, in the test's own
    /// distribution (Student's t with k − 1 degrees of freedom for a baseline of k sessions, the
    /// normal as a screen or for the bootstrap interval).
    func minimumDetectableEffect(_ result: MetricComparison, level: Double) -> Double? {
        guard let low = result.intervalLow, let high = result.intervalHigh, low > -1 else { return nil }
        let df: Double? = screening ? nil : result.baselineSessions.map { Double($0 - 1) }
        func quantile(_ p: Double) -> Double {
            df.map { Distributions.studentTQuantile(p, df: $0) } ?? Distributions.normalQuantile(p)
        }
        let scale = (log1p(high) - log1p(low)) / 2 / quantile(0.975)
        return MinimumDetectableEffect.stored(
            tolerance: result.tolerance, scale: scale, quantile: quantile(1 - level / 2),
            powerQuantile: quantile(MinimumDetectableEffect.power))
    }

    /// Holm across the gated metrics, the MDE at the corrected level, then the verdict rules.
    func applyHolm(_ comparisons: inout [MetricComparison]) {
        let gated = comparisons.indices.filter { comparisons[$0].verdict == .inconclusive && comparisons[$0].pValue != nil }
        let adjusted = MultipleComparisons.holm(gated.map { comparisons[$0].pValue! })
        for (k, index) in gated.enumerated() {
            comparisons[index].adjustedPValue = adjusted[k]
            let screened = screening && comparisons[index].baselineSessions != nil
            let significant = screened ? comparisons[index].pValue! < settings.alpha : adjusted[k] < settings.alpha
            // Holm at its strictest step (α/m) for the MDE, so the figure is an upper bound.
            comparisons[index].minimumDetectableEffect = minimumDetectableEffect(
                comparisons[index], level: screened ? settings.alpha : settings.alpha / Double(gated.count))
            let decided = Self.decide(comparisons[index], significant: significant, alpha: settings.alpha)
            comparisons[index].verdict = decided.verdict
            comparisons[index].reason = decided.reason
        }
    }

    /// The stored-baseline verdict rules, given whether the (corrected) test is significant. (Paired
    /// rounds have their own, read off the interval: ``PairedAnalysis``.)
    ///
    /// A regression (or improvement) must be real and large. *Real*: the test is significant.
    /// *Large*: the sample is fixed and the interval carries the between-session variation, so the
    /// interval must exclude no change at all and the estimated change lie beyond the tolerance
    /// (demanding that interval clear the tolerance too would miss changes of twice the tolerance).
    /// Unchanged needs the whole interval within ±tolerance.
    static func decide(_ c: MetricComparison, significant: Bool, alpha: Double) -> (verdict: Verdict, reason: String?) {
        guard let low = c.intervalLow, let high = c.intervalHigh, let change = c.change else { return (c.verdict, c.reason) }
        // Express the interval as "how much worse": positive is a regression.
        let worseLow = c.direction == .lowerIsBetter ? low : -high
        let worseHigh = c.direction == .lowerIsBetter ? high : -low
        let worse = c.direction == .lowerIsBetter ? change : -change
        if significant && worseLow > 0 && worse > c.tolerance { return (.regressed, nil) }
        if significant && worseHigh < 0 && worse < -c.tolerance { return (.improved, nil) }
        if low > -c.tolerance && high < c.tolerance { return (.unchanged, nil) }
        if !significant {
            return (.inconclusive, "not significant at α=\(Format.pValue(alpha)) after Holm, and the interval is wider than the tolerance")
        }
        if worseLow <= 0 && worseHigh >= 0 {
            return (.inconclusive, "significant, but the interval with the drift allowance still includes no change")
        }
        return (
            .inconclusive, "significant, but the estimated change is within the ±\(Format.percent(c.tolerance, signed: false)) tolerance"
        )
    }

    /// Checks the absolute targets on `current`: failed when the metric's interval lies wholly
    /// beyond the limit, met when wholly inside, at risk otherwise.
    /// With a `baseline`, each target also records the baseline's median, so a target the
    /// baseline misses too is reported without failing the build.
    public func checkTargets(_ current: ResultFile, baseline: ResultFile? = nil) -> [TargetResult] {
        configuration.targets.flatMap { target -> [TargetResult] in
            let limit = target.limit(profile: current.run.machine.profile) ?? 0
            let matching = current.benchmarks.filter { Glob.matches(target.benchmark, $0.id) }
            guard !matching.isEmpty else {
                return [
                    TargetResult(
                        name: target.name, benchmark: target.benchmark, metric: target.metric, unit: target.unit,
                        limit: limit, isUpperBound: target.isUpperBound, severity: target.severity, status: .notMeasured)
                ]
            }
            return matching.map { benchmark in
                var result = TargetResult(
                    name: target.name, benchmark: benchmark.id, metric: target.metric, unit: target.unit,
                    limit: limit, isUpperBound: target.isUpperBound, severity: target.severity, status: .notMeasured)
                guard let metric = benchmark.metric(named: target.metric), metric.available, !metric.samples.isEmpty,
                    let median = metric.median
                else { return result }
                let interval =
                    metric.samples.count >= 2
                    ? Bootstrap.median(
                        metric.samples, resamples: settings.bootstrapResamples, seed: settings.seed(for: "\(target.name) \(benchmark.id)"))
                    : median...median
                result.median = median
                if let needed = target.minimumVolume {
                    let volume = benchmark.tags["bytes"].flatMap(Double.init)
                    guard let volume, volume >= needed else {
                        result.notJudgedReason =
                            (volume.map { "measured on \(Format.value($0, unit: "B")) of data" }
                                ?? "the run does not say how much data it measured on")
                            + "; the target is defined on at least \(Format.value(needed, unit: "B")) (minimumVolume). "
                            + "Judge it on a scenario that measures that much (e.g. comprehensive)"
                        return result
                    }
                }
                result.baselineMedian = baseline?.benchmark(benchmark.id)?.metric(named: target.metric)?.median
                result.intervalLow = interval.lowerBound
                result.intervalHigh = interval.upperBound
                if target.isUpperBound {
                    result.status = interval.lowerBound > limit ? .failed : (interval.upperBound <= limit ? .met : .atRisk)
                } else {
                    result.status = interval.upperBound < limit ? .failed : (interval.lowerBound >= limit ? .met : .atRisk)
                }
                return result
            }
        }
    }
}
