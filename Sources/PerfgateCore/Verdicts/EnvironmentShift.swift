import Foundation

/// How much the machine itself moved between the baseline and this run, measured by the controls
/// (benchmarks that run no code under test). When the controls are slower, a "regression" of the
/// code may be the machine's: the report says so first and advises a re-run or the paired
/// confirmation, never "profile the benchmark".
public struct EnvironmentShift: Codable, Sendable, Equatable {
    /// The median change of the controls that moved, as "how much slower" (positive: slower).
    public var slowdown: Double
    /// The control metrics that moved beyond their tolerance with an interval excluding no change,
    /// in the direction of the shift.
    public var controls: [String]
    /// For each metric name among those controls (`p50`, `p99`, `throughput`, …), its largest
    /// change, as "how much slower": the most the machine slowed that statistic of its own
    /// reference work (nil in reports written before it was recorded). A screen regression no
    /// larger, on a machine that was slower, is one the machine alone could explain (``Confirmation``).
    public var largestSlowdowns: [String: Double]?

    public init(slowdown: Double, controls: [String], largestSlowdowns: [String: Double]? = nil) {
        self.slowdown = slowdown
        self.controls = controls
        self.largestSlowdowns = largestSlowdowns
    }

    /// Whether the machine was slower and a change of `worse` (how much slower, as a fraction) of
    /// a `metric` is within ``explanationFactor`` times, on the log scale, the largest slowdown of
    /// the same kind of statistic (``statisticClass(_:)``) that the machine is known to have
    /// caused: among the controls that moved, or in `measured` (the baseline's own code re-measured
    /// now, by metric name, when the confirmation ran it). Like is compared with like: a fsync
    /// control's tail slowing 40 times explains no throughput, and a kind of statistic no control
    /// or re-measurement saw slow is not explained at all.
    public func explains(worse: Double, metric: String, measured: [String: Double] = [:]) -> Bool {
        guard slowdown > 0, let bound = largestSlowdown(like: metric, measured: measured), bound > 0 else { return false }
        return Self.within(worse: worse, of: bound)
    }

    /// Whether a slowdown of `worse` is at most ``explanationFactor`` times, on the log scale, a
    /// known slowdown of `bound` (both as "how much slower", fractions).
    public static func within(worse: Double, of bound: Double) -> Bool {
        log1p(worse) <= explanationFactor * log1p(bound)
    }

    /// The largest known slowdown of the kind of statistic `metric` is, among the controls that
    /// moved and `measured`; nil when neither has one.
    public func largestSlowdown(like metric: String, measured: [String: Double] = [:]) -> Double? {
        let kind = Self.statisticClass(metric)
        return (largestSlowdowns ?? [:]).merging(measured) { max($0, $1) }.filter { Self.statisticClass($0.key) == kind }.values.max()
    }

    /// The kind of statistic a metric is, for comparing like with like: each tail percentile and the
    /// maximum on its own; everything else — the median, the mean, a rate, a cost per message or per
    /// GB — is work done per unit of time, which a busy machine stretches alike.
    public static func statisticClass(_ metric: String) -> String {
        ["p90", "p99", "p99.9", "max"].contains(metric) ? metric : "central"
    }

    /// How far beyond the controls' own slowdown (a factor on the log scale: 2 lets a control 70 %
    /// slower explain a benchmark up to 2.9 times slower) the machine is still taken to explain a
    /// benchmark's. A busy machine does not slow all work alike: in the first loaded run under this
    /// rule (a core kept busy), the most-slowed control's throughput fell by 41 % (+69.5 % in time)
    /// while the WAL's batched appends, which move more memory than the C floor, took 74–104 % longer.
    public static let explanationFactor = 2.0

    /// The fewest control benchmarks that must move the same way before the machine is said to
    /// have moved. One control alone is not enough: on a quiet machine the fsync latency of
    /// `raw.sync.single/64B` (now `floor.sync.single/64B`) alone differed by 17–34 % from the baseline's sessions in 6 of 8
    /// unchanged-code runs of the main job, while every other control held still. A machine that
    /// really moved — a busy core, a disk flushing someone else's writes — moves several controls
    /// (the CPU control and the floor's writes; every fsync control), and a one-off in a single
    /// control must not silence failed targets or tell the reader the machine was slower.
    public static let minimumBenchmarks = 2

    /// The shift the control comparisons show, or nil when the machine held still.
    ///
    /// A control metric moved when its interval excludes no change and its change exceeds its
    /// tolerance. The machine moved when metrics of at least ``minimumBenchmarks`` distinct control
    /// benchmarks moved in the same direction; the shift is the median change of those metrics.
    public static func measure(_ comparisons: [MetricComparison]) -> EnvironmentShift? {
        var moved: [(name: String, benchmark: String, metric: String, slower: Double)] = []
        for c in comparisons {
            if let slower = movement(of: c) { moved.append((c.id, c.benchmark, c.metric, slower)) }
        }
        let slower = moved.filter { $0.slower > 0 }
        let faster = moved.filter { $0.slower <= 0 }
        let slowerBenchmarks = Set(slower.map(\.benchmark)).count
        let fasterBenchmarks = Set(faster.map(\.benchmark)).count
        // Both ways at once (rare: a faster disk, a busier core) count as the way more controls moved.
        let way = slowerBenchmarks >= fasterBenchmarks ? slower : faster
        guard max(slowerBenchmarks, fasterBenchmarks) >= minimumBenchmarks, let median = Quantile.median(way.map(\.slower)) else {
            return nil
        }
        let extremes = Dictionary(way.map { ($0.metric, $0.slower) }) { slowerBenchmarks >= fasterBenchmarks ? max($0, $1) : min($0, $1) }
        return EnvironmentShift(slowdown: median, controls: way.map(\.name).sorted(), largestSlowdowns: extremes)
    }

    /// How much slower (positive) or faster (negative) a control's timing says the machine was,
    /// when it moved: its interval excludes no change and its change exceeds its tolerance; nil
    /// when it held still or is not a control's timing.
    public static func movement(of c: MetricComparison) -> Double? {
        guard c.gating == .control, c.kind == .timing, let change = c.change, let low = c.intervalLow, let high = c.intervalHigh,
            low > 0 || high < 0, abs(change) > c.tolerance
        else { return nil }
        return c.direction.slowdown(ofChange: change)
    }

    /// How much slower `c`'s counterpart (``MetricComparison/counterpart``: the control doing the
    /// same work with no code under test) ran in this session, at the same metric — or, for a
    /// central statistic the control does not report (recovery's ms/GB), at its throughput —
    /// when it moved slower (``movement(of:)``); nil otherwise. A slowdown the machine caused in
    /// the very work a benchmark does explains that benchmark's even when no other control moved:
    /// a disk load that comes and goes moves the synced work and little else.
    public static func counterpartSlowdown(of c: MetricComparison, in comparisons: [MetricComparison]) -> Double? {
        guard let counterpart = c.counterpart else { return nil }
        let own = comparisons.filter { $0.benchmark == counterpart }
        let match =
            own.first { $0.metric == c.metric }
            ?? (statisticClass(c.metric) == "central" ? own.first { $0.metric == "throughput" } : nil)
        return match.flatMap(movement(of:)).flatMap { $0 > 0 ? $0 : nil }
    }

    /// The largest slowdown of each statistic, e.g. "p50 up to +70.1 %, throughput up to +65.0 %".
    public var largestSlowdownsSummary: String { Self.summary(largestSlowdowns ?? [:]) }

    /// Slowdowns by statistic, e.g. "p50 up to +70.1 %, throughput up to +65.0 %".
    public static func summary(_ slowdowns: [String: Double]) -> String {
        slowdowns.sorted { $0.key < $1.key }.map { "\($0.key) up to \(Format.percent($0.value))" }.joined(separator: ", ")
    }

    /// One sentence for the top of a report.
    public var sentence: String {
        let direction = slowdown >= 0 ? "slower" : "faster"
        return "The machine was \(Format.percent(abs(slowdown), signed: false)) \(direction) than when the baseline was measured "
            + "(\(controls.count) control metric(s) that run no WAL code moved: \(controls.prefix(4).joined(separator: ", "))"
            + (controls.count > 4 ? ", …" : "") + "). Changes below may be the machine's, not the code's: re-run on a quiet "
            + "machine, or let `perfgate check` confirm them in paired A/B rounds against the baseline's commit."
    }
}
