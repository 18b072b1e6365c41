import Foundation
import PerfgateCore

/// The headline figures of a suite run, against the Kaelix targets, and the 0–10 score.
enum SuiteSummary {
    static func median(_ benchmarks: [BenchmarkResult], _ id: String, _ metric: String) -> Double? {
        benchmarks.first { $0.id == id }?.metric(named: metric)?.median
    }

    static func score(_ benchmarks: [BenchmarkResult]) -> PerformanceScore? {
        guard let p99 = median(benchmarks, "wal.append.single/64B/sync=none", "p99") else { return nil }
        let peak = benchmarks.filter { $0.id.hasPrefix("wal.append.batch/") }
            .compactMap { $0.metric(named: "throughput")?.median }.max() ?? 0
        return PerformanceScore(writeP99Nanoseconds: p99, peakMessagesPerSecond: peak)
    }

    static func format(_ value: Double, _ unit: String) -> String {
        switch unit {
        case "ns":
            if value >= 1e6 { return String(format: "%.2f ms", value / 1e6) }
            if value >= 1e3 { return String(format: "%.2f µs", value / 1e3) }
            return String(format: "%.0f ns", value)
        case "msg/s":
            return value >= 1e6 ? String(format: "%.2fM msg/s", value / 1e6) : String(format: "%.0fk msg/s", value / 1e3)
        default:
            return String(format: value >= 100 ? "%.0f %@" : "%.2f %@", value, unit)
        }
    }

    static func print(_ result: ResultFile) {
        let rows: [(String, String, String, String)] = [
            ("single write p99 (64B, sync=none)", "wal.append.single/64B/sync=none", "p99", "< 10 µs"),
            ("read p99 (64B, mmap, random)", "wal.read.random/64B/mmap", "p99", "< 5 µs"),
            ("batched throughput (64B × 10000)", "wal.append.batch/64B/batch=10000", "throughput", ">= 10M msg/s"),
            ("amortized cost (64B × 10000)", "wal.append.batch/64B/batch=10000", "amortized", "< 1000 ns/msg"),
            ("recovery (warm)", "wal.recovery/warm", "recovery", "< 500 ms/GB"),
            ("recovery (cold cache)", "wal.recovery/cold", "recovery", "< 500 ms/GB"),
            ("memory per inactive stream", "wal.streams.inactive", "memory_per_stream", "< 1024 B"),
            ("raw floor: memcpy+crc+write (64B × 10000)", "raw.write.batch/64B/batch=10000", "throughput", ""),
        ]
        Swift.print("\nheadline figures (median of \(result.run.rounds) rounds):")
        for (label, id, metric, target) in rows {
            guard let b = result.benchmark(id), let m = b.metric(named: metric), let v = m.median else { continue }
            Swift.print("  " + label.padding(toLength: 44, withPad: " ", startingAt: 0)
                        + format(v, m.unit).padding(toLength: 18, withPad: " ", startingAt: 0) + (target.isEmpty ? "" : "target \(target)"))
        }
        if let score = result.score {
            Swift.print(String(format: "performance score: %.1f / 10 (latency %.0f, throughput %.0f)",
                               score.score, score.latencyScore, score.throughputScore))
        }
    }
}
