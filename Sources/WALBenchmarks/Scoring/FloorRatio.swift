import PerfgateCore

/// A WAL figure read against the machine's floor for the same work (``FloorBenchmarks``, C,
/// measured minutes apart in the same run on the same disk): how close the WAL comes to what the
/// processor and disk allow, a figure that does not move when the machine does.
public struct FloorRatio: Sendable {
    /// What is compared, for a person.
    public var label: String
    /// The WAL's benchmark and metric.
    public var benchmark: String
    /// The floor's benchmark: the WAL benchmark's counterpart (``BenchmarkCatalog/counterpart(of:)``).
    public var floor: String
    /// The metric both are read at (the floor's scan is read as ms/GB for recovery).
    public var metric: String
    /// The floor's metric when it differs from ``metric``.
    public var floorMetric: String?
    /// The goal of issue 18 as a ratio (WAL / floor): at least this share of the floor's
    /// throughput, or at most this multiple of its latency; nil when there is none.
    public var goal: Double?

    /// A ratio of `benchmark` to its counterpart at `metric` (the floor's `floorMetric` when given).
    init(label: String, benchmark: String, metric: String, floorMetric: String? = nil, goal: Double? = nil) {
        self.label = label
        self.benchmark = benchmark
        self.floor = BenchmarkCatalog.counterpart(of: benchmark) ?? "(none)"
        self.metric = metric
        self.floorMetric = floorMetric
        self.goal = goal
    }

    /// The ratios a suite run reports, in the order shown.
    public static let all: [FloorRatio] = [
        .init(
            label: "batched 64B × 10000, no sync", benchmark: "wal.append.batch/64B/batch=10000", metric: "throughput", goal: 0.5),
        .init(
            label: "batched 64B × 10000, fdatasync each", benchmark: "wal.append.batch/64B/batch=10000/sync=every", metric: "throughput",
            goal: 0.5),
        .init(
            label: "single append 64B, no sync, p99", benchmark: "wal.append.single/64B/sync=none", metric: "p99", goal: 1.3),
        .init(
            label: "single append 64B + fdatasync, p99", benchmark: "wal.append.single/64B/sync=every", metric: "p99"),
        .init(
            label: "random 64B read (mmap), p99", benchmark: "wal.read.random/64B/mmap", metric: "p99",
            goal: 1.5),
        .init(
            label: "group commit, 16 writers, p99", benchmark: "wal.append.concurrent/writers=16/64B/sync=group", metric: "p99"),
        .init(
            label: "group commit, 16 writers", benchmark: "wal.append.concurrent/writers=16/64B/sync=group", metric: "throughput"),
        .init(label: "replay 64B", benchmark: "wal.replay/64B", metric: "throughput"),
        .init(label: "replay 1KB", benchmark: "wal.replay/1KB", metric: "throughput"),
        .init(
            label: "recovery, warm cache", benchmark: "wal.recovery/warm", metric: "recovery",
            floorMetric: "bandwidth"),
    ]

    /// The WAL's figure, the floor's (in the WAL's unit) and their ratio (WAL / floor) in `result`;
    /// nil when either is missing.
    public func measure(_ result: ResultFile) -> (wal: Double, floor: Double, unit: String, ratio: Double)? {
        guard let wal = result.benchmark(benchmark)?.metric(named: metric), let walValue = wal.median,
            let floorValue = result.benchmark(floor)?.metric(named: floorMetric ?? metric)?.median, floorValue > 0, walValue > 0
        else { return nil }
        // The scan's MB/s as the ms/GB a recovery that only scans would take.
        let floorInUnit = floorMetric == "bandwidth" && metric == "recovery" ? 1e6 / floorValue : floorValue
        return (walValue, floorInUnit, wal.unit, walValue / floorInUnit)
    }

    /// Whether a larger ratio is better (throughput) or worse (latency, ms/GB).
    public var higherIsBetter: Bool { metric == "throughput" || metric == "bandwidth" }

    /// One line per ratio `result` holds: both figures, the ratio in words and the goal.
    public static func lines(_ result: ResultFile) -> [String] {
        all.compactMap { ratio in
            guard let m = ratio.measure(result) else { return nil }
            let share =
                ratio.higherIsBetter
                ? "\(Format.percent(m.ratio, signed: false)) of the floor" : String(format: "%.2f× the floor", m.ratio)
            let goal = ratio.goal.map {
                let met = ratio.higherIsBetter ? m.ratio >= $0 : m.ratio <= $0
                let wanted = ratio.higherIsBetter ? "≥ \(Format.percent($0, signed: false))" : String(format: "≤ %.1f×", $0)
                return " (goal \(wanted): \(met ? "met" : "not met"))"
            }
            return "  " + ratio.label.padding(toLength: 40, withPad: " ", startingAt: 0)
                + "WAL \(Format.value(m.wal, unit: m.unit)), floor \(Format.value(m.floor, unit: m.unit)): \(share)" + (goal ?? "")
        }
    }
}
