import Foundation

/// ordo-one package-benchmark JSON exports (`--format jsonSmallerIsBetter` or
/// `jsonBiggerIsBetter`): an array of `{"name": "<benchmark> - <metric>", "unit", "value" (p99),
/// "extra": "80th percentile: …\n95th percentile: …"}`. A file is one run, so each gives one
/// sample of p80, p95 and p99 per metric; pass a directory of repeated exports for rounds.
/// Units are normalised (μs/ms/s → ns, K/M/G → counts); the direction follows the export's name
/// (`BiggerIsBetter`) or a throughput metric.
enum PackageBenchmarkReader {
    static func files(in directory: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasSuffix(".json") }.sorted()
            .map { directory + "/" + $0 }
            .filter { (try? InputFormat.detect($0)) == .packageBenchmark }
    }

    static func read(_ path: String) throws -> ResultFile {
        var isDirectory: ObjCBool = false
        FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
        let paths = isDirectory.boolValue ? files(in: path) : [path]
        guard !paths.isEmpty else {
            throw PerfgateError.badInput(
                file: path, field: nil, problem: "holds no package-benchmark JSON exports", fix: "Export with --format jsonSmallerIsBetter")
        }
        var order: [String] = []
        var byBenchmark: [String: [String: Metric]] = [:]
        for file in paths {
            guard let entries = try ForeignJSON.parse(file) as? [[String: Any]] else {
                throw PerfgateError.badInput(
                    file: file, field: nil, problem: "is not a JSON array", fix: "Export with --format jsonSmallerIsBetter")
            }
            let bigger = file.lowercased().contains("bigger")
            for (i, entry) in entries.enumerated() {
                guard let name = entry["name"] as? String, let unitText = entry["unit"] as? String else {
                    throw PerfgateError.badInput(
                        file: file, field: "[\(i)].name", problem: "is missing", fix: "Export with --format jsonSmallerIsBetter")
                }
                guard let value = entry["value"] as? Double else {
                    throw PerfgateError.badInput(
                        file: file, field: "[\(i)].value", problem: "is missing or not a number", fix: "Export again")
                }
                let parts = name.components(separatedBy: " - ")
                let benchmark = parts.count > 1 ? parts.dropLast().joined(separator: " - ") : name
                let metricName = parts.count > 1 ? parts.last! : "value"
                let (unit, factor) = normalise(unitText)
                let direction: MetricDirection = bigger || metricName.lowercased().contains("throughput") ? .higherIsBetter : .lowerIsBetter
                var values: [(String, Double)] = [("p99", value)]
                if let extra = entry["extra"] as? String {
                    for line in extra.split(separator: "\n") {
                        let pieces = line.split(separator: ":")
                        guard pieces.count == 2, let v = Double(pieces[1].trimmingCharacters(in: .whitespaces)) else { continue }
                        if pieces[0].hasPrefix("80th") { values.append(("p80", v)) }
                        if pieces[0].hasPrefix("95th") { values.append(("p95", v)) }
                    }
                }
                if byBenchmark[benchmark] == nil {
                    order.append(benchmark)
                    byBenchmark[benchmark] = [:]
                }
                for (percentile, v) in values {
                    let key = "\(metricName) \(percentile)"
                    byBenchmark[benchmark]![key, default: Metric(name: key, unit: unit, direction: direction, samples: [])].samples.append(
                        v * factor)
                }
            }
        }
        let benchmarks = order.map {
            BenchmarkResult(id: $0, tags: ["harness": "package-benchmark"], metrics: metricsSorted(byBenchmark[$0]!))
        }
        return try ForeignJSON.finish(
            ForeignJSON.result(source: "package-benchmark", benchmarks: benchmarks, rounds: paths.count), path: path)
    }

    static func metricsSorted(_ metrics: [String: Metric]) -> [Metric] { metrics.keys.sorted().map { metrics[$0]! } }

    /// (normalised unit, factor) for package-benchmark's units.
    static func normalise(_ unit: String) -> (String, Double) {
        if let factor = ForeignJSON.nanoseconds(per: unit) { return ("ns", factor) }
        switch unit {
        case "#", "": return ("count", 1)
        case "K": return ("count", 1e3)
        case "M": return ("count", 1e6)
        case "G": return ("count", 1e9)
        default: return (unit, 1)
        }
    }
}
