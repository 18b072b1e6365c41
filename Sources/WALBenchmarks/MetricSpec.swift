import PerfgateCore

/// The name, unit, direction and kind of a metric a benchmark reports, before it has values.
public struct MetricSpec: Sendable, Hashable {
    public var name: String
    public var unit: String
    public var direction: MetricDirection
    public var kind: MetricKind

    public init(_ name: String, _ unit: String, _ direction: MetricDirection, _ kind: MetricKind = .timing) {
        self.name = name
        self.unit = unit
        self.direction = direction
        self.kind = kind
    }

    /// The same metric measured where timing decides it (how many appends share a sync, say):
    /// compared statistically like a timing, not exactly like a counter.
    public var timingDependent: MetricSpec { MetricSpec(name, unit, direction, .timing) }

    public static let p50 = MetricSpec("p50", "ns", .lowerIsBetter)
    public static let p90 = MetricSpec("p90", "ns", .lowerIsBetter)
    public static let p99 = MetricSpec("p99", "ns", .lowerIsBetter)
    public static let p999 = MetricSpec("p99.9", "ns", .lowerIsBetter)
    public static let max = MetricSpec("max", "ns", .lowerIsBetter)
    public static let mean = MetricSpec("mean", "ns", .lowerIsBetter)
    public static let messagesPerSecond = MetricSpec("throughput", "msg/s", .higherIsBetter)
    public static let megabytesPerSecond = MetricSpec("bandwidth", "MB/s", .higherIsBetter)
    public static let nanosecondsPerMessage = MetricSpec("amortized", "ns/msg", .lowerIsBetter)
    public static let syncsPerMessage = MetricSpec("fdatasync_per_msg", "count/msg", .lowerIsBetter, .counter)
    public static let writesPerMessage = MetricSpec("write_calls_per_msg", "count/msg", .lowerIsBetter, .counter)
    public static let bytesWrittenPerMessage = MetricSpec("bytes_written_per_msg", "B/msg", .lowerIsBetter, .counter)
    public static let batchP99 = MetricSpec("batch_p99", "ns", .lowerIsBetter)
    public static let memoryPerStream = MetricSpec("memory_per_stream", "B", .lowerIsBetter)
    public static let createPerStream = MetricSpec("create_per_stream", "ns", .lowerIsBetter)
    public static let recovery = MetricSpec("recovery", "ms/GB", .lowerIsBetter)
    public static let openTime = MetricSpec("open_time", "ns", .lowerIsBetter)
    /// Processor time (user + system, every thread) of the measured phase per operation.
    public static let processorPerOperation = MetricSpec("cpu_per_op", "ns/op", .lowerIsBetter)
    /// The round process's peak resident memory.
    public static let peakResident = MetricSpec("peak_rss", "B", .lowerIsBetter)

    /// Every metric the suite reports: the names `gate.metrics` in perfgate.json may list.
    public static let catalog: [MetricSpec] = [
        p50, p90, p99, p999, max, mean, messagesPerSecond, megabytesPerSecond, nanosecondsPerMessage, syncsPerMessage,
        writesPerMessage, bytesWrittenPerMessage, batchP99, memoryPerStream, createPerStream, recovery, openTime,
        processorPerOperation, peakResident, InstructionCount.spec,
    ]
}

/// One value of a round. `value == nil` means the machine could not measure it.
public struct MeasuredValue: Codable, Sendable, Equatable {
    public var name: String
    public var unit: String
    public var direction: MetricDirection
    public var kind: MetricKind
    public var value: Double?
    public var unavailableReason: String?

    public init(_ spec: MetricSpec, _ value: Double?, unavailableReason: String? = nil) {
        name = spec.name
        unit = spec.unit
        direction = spec.direction
        kind = spec.kind
        self.value = value
        self.unavailableReason = unavailableReason
    }
}

/// What a round process prints: the values of one round of one benchmark.
public struct RoundReport: Codable, Sendable {
    public var benchmark: String
    public var operations: Int
    public var values: [MeasuredValue]
    public init(benchmark: String, operations: Int, values: [MeasuredValue]) {
        self.benchmark = benchmark
        self.operations = operations
        self.values = values
    }
}
