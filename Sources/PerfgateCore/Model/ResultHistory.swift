import Foundation
import PerfgateSupport

/// Results along first-parent history, newest first, as the gate reads them: per commit, the
/// runs recorded in its note (possibly none: a gap).
public struct ResultHistory: Sendable {
    /// One commit of the history and the runs noted on it.
    public struct Entry: Sendable {
        public var commit: String
        public var time: Int64
        public var summary: String
        public var results: [ResultFile]
        /// A commit (hex id, commit time in seconds, summary line) and its runs.
        public init(commit: String, time: Int64, summary: String, results: [ResultFile]) {
            self.commit = commit
            self.time = time
            self.summary = summary
            self.results = results
        }
    }

    /// One line of history: a benchmark's metric.
    public struct SeriesKey: Hashable, Sendable, Comparable {
        public var benchmark: String
        public var metric: String
        public var unit: String
        public var direction: MetricDirection
        /// A series: one metric of one benchmark, with its unit and direction.
        public init(benchmark: String, metric: String, unit: String, direction: MetricDirection) {
            self.benchmark = benchmark
            self.metric = metric
            self.unit = unit
            self.direction = direction
        }
        /// Series sort by benchmark, then metric.
        public static func < (a: SeriesKey, b: SeriesKey) -> Bool { (a.benchmark, a.metric) < (b.benchmark, b.metric) }
    }

    public var entries: [Entry]
    /// Things a reader should know: skipped note lines, where a shallow history ends.
    public var warnings: [String]

    /// A history of `entries`, newest first, with what the reader should know about gaps.
    public init(entries: [Entry], warnings: [String]) {
        self.entries = entries
        self.warnings = warnings
    }

    /// The series to show: matching benchmarks, and `metric` or each benchmark's primary metric.
    /// Every metric name recorded in this history (for benchmarks matching `pattern`).
    public func metricNames(benchmark pattern: String? = nil, matches: (String, String) -> Bool = Glob.matches) -> Set<String> {
        var names = Set<String>()
        for entry in entries {
            for result in entry.results {
                for benchmark in result.benchmarks where pattern.map({ matches($0, benchmark.id) }) ?? true {
                    for metric in benchmark.metrics { names.insert(metric.name) }
                }
            }
        }
        return names
    }

    /// The series recorded in the history, narrowed by a benchmark glob and a metric name.
    public func series(benchmark pattern: String?, metric: String?, matches: (String, String) -> Bool = Glob.matches) -> [SeriesKey] {
        var keys = Set<SeriesKey>()
        for entry in entries {
            for result in entry.results {
                for benchmark in result.benchmarks where pattern.map({ matches($0, benchmark.id) }) ?? true {
                    let chosen = metric.flatMap { benchmark.metric(named: $0) } ?? (metric == nil ? Self.primaryMetric(of: benchmark) : nil)
                    if let chosen, chosen.available {
                        keys.insert(SeriesKey(benchmark: benchmark.id, metric: chosen.name, unit: chosen.unit, direction: chosen.direction))
                    }
                }
            }
        }
        return keys.sorted()
    }

    /// The metric a table shows when none is asked for: p99, else throughput, else the first.
    public static func primaryMetric(of benchmark: BenchmarkResult) -> Metric? {
        benchmark.metric(named: "p99") ?? benchmark.metric(named: "throughput") ?? benchmark.metrics.first
    }

    /// `key`'s metric in each run recorded on `entry`, the latest run first.
    private func recorded(_ key: SeriesKey, at entry: Entry) -> LazyMapSequence<[ResultFile], Metric?> {
        entry.results.sorted { $0.run.finishedAt > $1.run.finishedAt }.lazy.map { $0.benchmark(key.benchmark)?.metric(named: key.metric) }
    }

    /// The value of `key` at `entry`: the median of the latest recorded run's samples.
    public func value(_ key: SeriesKey, at entry: Entry) -> Double? {
        recorded(key, at: entry).compactMap { $0?.median }.first
    }

    /// The series' values oldest first, with the commit of each (gaps skipped): the input of
    /// change-point detection.
    public func values(_ key: SeriesKey) -> [(commit: String, value: Double)] {
        entries.reversed().compactMap { entry in value(key, at: entry).map { (entry.commit, $0) } }
    }

    /// The series' rounds oldest first, with the commit of each (gaps skipped): every sample of
    /// the latest run recorded on the commit, for detectors that use the rounds.
    public func rounds(_ key: SeriesKey) -> [(commit: String, samples: [Double])] {
        entries.reversed().compactMap { entry in
            recorded(key, at: entry).compactMap { $0 }
                .first { $0.available && !$0.samples.isEmpty && $0.samples.allSatisfy { $0 > 0 } }
                .map { (entry.commit, $0.samples) }
        }
    }
}
