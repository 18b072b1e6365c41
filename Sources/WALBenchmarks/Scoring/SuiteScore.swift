import PerfgateCore

/// The Kaelix seed's 0–10 score and headline figures: what a person reads first after a suite run.
public enum SuiteScore {
    /// The score: the mean of a latency score (single-write P99 of 64 B records with sync=none:
    /// ≤ 5 µs → 10, ≤ 10 µs → 8, else 6) and a throughput score (the peak batched msg/s:
    /// ≥ 15M → 10, ≥ 10M → 8, else 6). Nil when the run lacks the single-write benchmark.
    public static func score(_ benchmarks: [BenchmarkResult]) -> PerformanceScore? {
        guard let p99 = benchmarks.first(where: { $0.id == "wal.append.single/64B/sync=none" })?.metric(named: "p99")?.median else {
            return nil
        }
        let peak =
            benchmarks.filter { $0.id.hasPrefix("wal.append.batch/") }.compactMap { $0.metric(named: "throughput")?.median }.max() ?? 0
        return score(writeP99Nanoseconds: p99, peakMessagesPerSecond: peak)
    }

    /// The score of the two figures it is computed from.
    public static func score(writeP99Nanoseconds p99: Double, peakMessagesPerSecond peak: Double) -> PerformanceScore {
        PerformanceScore(
            writeP99Nanoseconds: p99, peakMessagesPerSecond: peak,
            latencyScore: p99 <= 5_000 ? 10 : (p99 <= 10_000 ? 8 : 6),
            throughputScore: peak >= 15_000_000 ? 10 : (peak >= 10_000_000 ? 8 : 6))
    }

    /// One headline figure: a label, where it comes from, and the seed's target for it.
    public struct Headline: Sendable {
        public var label: String
        public var benchmark: String
        public var metric: String
        public var target: String
    }

    /// The headline figures, in the order they are shown.
    public static let headlines: [Headline] = [
        .init(label: "single write p99 (64B, sync=none)", benchmark: "wal.append.single/64B/sync=none", metric: "p99", target: "< 10 µs"),
        .init(label: "read p99 (64B, mmap, random)", benchmark: "wal.read.random/64B/mmap", metric: "p99", target: "< 5 µs"),
        .init(
            label: "batched throughput (64B × 10000)", benchmark: "wal.append.batch/64B/batch=10000", metric: "throughput",
            target: ">= 10M msg/s"),
        .init(
            label: "amortized cost (64B × 10000)", benchmark: "wal.append.batch/64B/batch=10000", metric: "amortized",
            target: "< 1000 ns/msg"),
        .init(label: "recovery (warm)", benchmark: "wal.recovery/warm", metric: "recovery", target: "< 500 ms/GB"),
        .init(label: "recovery (cold cache)", benchmark: "wal.recovery/cold", metric: "recovery", target: "< 500 ms/GB"),
        .init(label: "memory per inactive stream", benchmark: "wal.streams.inactive", metric: "memory_per_stream", target: "< 1024 B"),
    ]

    /// The headline lines of `result` (figures it lacks are left out), then the score.
    public static func summary(_ result: ResultFile) -> [String] {
        var lines = ["headline figures (median of \(result.run.rounds) rounds):"]
        for headline in headlines {
            guard let m = result.benchmark(headline.benchmark)?.metric(named: headline.metric), let v = m.median else { continue }
            lines.append(
                "  " + headline.label.padding(toLength: 44, withPad: " ", startingAt: 0)
                    + Format.value(v, unit: m.unit).padding(toLength: 18, withPad: " ", startingAt: 0)
                    + (headline.target.isEmpty ? "" : "target \(headline.target)"))
        }
        let floor = FloorRatio.lines(result)
        if !floor.isEmpty {
            lines.append("against the machine's floor (the same work in C, measured in this run; WAL / floor):")
            lines += floor
        }
        if let score = result.score {
            lines.append(
                String(
                    format: "performance score: %.1f / 10 (latency %.0f, throughput %.0f): the absolute figures against the seed's "
                        + "targets, not a comparison with the baseline (the gate's verdict says that)",
                    score.score, score.latencyScore, score.throughputScore))
        }
        return lines
    }
}
