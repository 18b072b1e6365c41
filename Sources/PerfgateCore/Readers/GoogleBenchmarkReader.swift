import Foundation

/// google-benchmark `--benchmark_format=json` (with `--benchmark_repetitions=N`): per repetition,
/// real and CPU time per iteration (normalised to ns) and the rate counters; aggregate rows
/// (mean, median, stddev, cv) are ignored as samples.
enum GoogleBenchmarkReader {
    static func read(_ path: String) throws -> ResultFile {
        guard let root = try ForeignJSON.parse(path) as? [String: Any], let rows = root["benchmarks"] as? [[String: Any]] else {
            throw PerfgateError.badInput(
                file: path, field: "benchmarks", problem: "is missing or not an array",
                fix: "Run the benchmark binary with --benchmark_format=json --benchmark_out=FILE")
        }
        var order: [String] = []
        var samples: [String: [String: (unit: String, direction: MetricDirection, values: [Double])]] = [:]
        for (i, row) in rows.enumerated() {
            if (row["run_type"] as? String) == "aggregate" { continue }
            if (row["error_occurred"] as? Bool) == true { continue }
            guard let name = (row["run_name"] as? String) ?? (row["name"] as? String) else {
                throw PerfgateError.badInput(
                    file: path, field: "benchmarks[\(i)].name", problem: "is missing", fix: "Export again with --benchmark_format=json")
            }
            guard let real = row["real_time"] as? Double, let cpu = row["cpu_time"] as? Double else {
                throw PerfgateError.badInput(
                    file: path, field: "benchmarks[\(i)].real_time", problem: "is missing or not a number",
                    fix: "Export again with --benchmark_format=json")
            }
            let unit = (row["time_unit"] as? String) ?? "ns"
            guard let factor = ForeignJSON.nanoseconds(per: unit) else {
                throw PerfgateError.badInput(
                    file: path, field: "benchmarks[\(i)].time_unit", problem: "is '\(unit)', not ns, us, ms or s",
                    fix: "Export again with a standard time unit")
            }
            if samples[name] == nil {
                order.append(name)
                samples[name] = [:]
            }
            func add(_ metric: String, _ unit: String, _ direction: MetricDirection, _ value: Double) {
                samples[name]![metric, default: (unit, direction, [])].values.append(value)
            }
            add("real_time", "ns", .lowerIsBetter, real * factor)
            add("cpu_time", "ns", .lowerIsBetter, cpu * factor)
            if let items = row["items_per_second"] as? Double { add("items_per_second", "items/s", .higherIsBetter, items) }
            if let bytes = row["bytes_per_second"] as? Double { add("bytes_per_second", "B/s", .higherIsBetter, bytes) }
        }
        guard !order.isEmpty else {
            throw PerfgateError.badInput(
                file: path, field: "benchmarks", problem: "holds no iteration rows (only aggregates or errors)",
                fix: "Run with --benchmark_repetitions=N and without --benchmark_report_aggregates_only")
        }
        let benchmarks = order.map { name in
            BenchmarkResult(
                id: name, tags: ["harness": "google-benchmark"],
                metrics: samples[name]!.keys.sorted().map { metric in
                    let entry = samples[name]![metric]!
                    return Metric(name: metric, unit: entry.unit, direction: entry.direction, samples: entry.values)
                })
        }
        let rounds = benchmarks.map { $0.metrics.first?.samples.count ?? 0 }.max() ?? 0
        return try ForeignJSON.finish(ForeignJSON.result(source: "google-benchmark", benchmarks: benchmarks, rounds: rounds), path: path)
    }
}
