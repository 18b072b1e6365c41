import Glibc
import Histogram

/// Monotonic clock in nanoseconds (`CLOCK_MONOTONIC`, about 20 ns per read here).
@inline(__always)
public func nowNanos() -> UInt64 {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return UInt64(spec.tv_sec) &* 1_000_000_000 &+ UInt64(spec.tv_nsec)
}

/// Per-operation latencies of one round, in an HdrHistogram (3 significant digits, 1 ns to 60 s),
/// reported as p50/p90/p99/p99.9/max/mean.
public struct LatencyRecorder {
    private var histogram = Histogram<UInt64>(highestTrackableValue: 60_000_000_000, numberOfSignificantValueDigits: .three)
    public private(set) var count = 0
    private var total: UInt64 = 0

    public init() {}

    @inline(__always)
    public mutating func record(_ nanoseconds: UInt64) {
        _ = histogram.record(max(1, nanoseconds))
        count += 1
        total &+= nanoseconds
    }

    /// Adds another recorder's latencies (for per-thread recorders).
    public mutating func merge(_ other: LatencyRecorder) {
        histogram.add(other.histogram)
        count += other.count
        total &+= other.total
    }

    public var values: [MeasuredValue] {
        [
            MeasuredValue(.p50, Double(histogram.valueAtPercentile(50))),
            MeasuredValue(.p90, Double(histogram.valueAtPercentile(90))),
            MeasuredValue(.p99, Double(histogram.valueAtPercentile(99))),
            MeasuredValue(.p999, Double(histogram.valueAtPercentile(99.9))),
            MeasuredValue(.max, Double(histogram.max)),
            MeasuredValue(.mean, count == 0 ? nil : Double(total) / Double(count)),
        ]
    }
}

/// Rate metrics of a timed stretch that moved `messages` messages of `bytes` bytes in all.
func rateValues(messages: Int, bytes: Int, nanoseconds: UInt64) -> [MeasuredValue] {
    let seconds = Double(max(nanoseconds, 1)) / 1e9
    return [
        MeasuredValue(.messagesPerSecond, Double(messages) / seconds),
        MeasuredValue(.megabytesPerSecond, Double(bytes) / seconds / 1e6),
        MeasuredValue(.nanosecondsPerMessage, Double(nanoseconds) / Double(max(messages, 1))),
    ]
}

/// Resident memory of this process in bytes (from /proc/self/statm), or nil where unavailable.
func residentBytes() -> UInt64? {
    guard let file = fopen("/proc/self/statm", "r") else { return nil }
    defer { fclose(file) }
    var size: UInt = 0
    var resident: UInt = 0
    guard readStatm(file, &size, &resident) else { return nil }
    return UInt64(resident) * UInt64(sysconf(Int32(_SC_PAGESIZE)))
}

private func readStatm(_ file: UnsafeMutablePointer<FILE>, _ size: inout UInt, _ resident: inout UInt) -> Bool {
    var line = [CChar](repeating: 0, count: 256)
    guard fgets(&line, 256, file) != nil else { return false }
    let fields = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self).split(separator: " ")
    guard fields.count >= 2, let s = UInt(fields[0]), let r = UInt(fields[1]) else { return false }
    size = s
    resident = r
    return true
}
