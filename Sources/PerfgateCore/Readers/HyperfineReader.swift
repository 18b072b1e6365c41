import Foundation

/// `hyperfine --export-json`: `{"results": [{"command", "times": [seconds…], …}]}`. Every run of a
/// command is a separate process execution, hence an independent sample (round).
enum HyperfineReader {
    static func read(_ path: String) throws -> ResultFile {
        guard let root = try ForeignJSON.parse(path) as? [String: Any] else {
            throw PerfgateError.badInput(
                file: path, field: nil, problem: "is not a JSON object", fix: "Export with hyperfine --export-json FILE")
        }
        guard let results = root["results"] as? [[String: Any]] else {
            throw PerfgateError.badInput(
                file: path, field: "results", problem: "is missing or not an array", fix: "Export with hyperfine --export-json FILE")
        }
        var benchmarks: [BenchmarkResult] = []
        var rounds = 0
        for (i, entry) in results.enumerated() {
            guard let command = entry["command"] as? String else {
                throw PerfgateError.badInput(
                    file: path, field: "results[\(i)].command", problem: "is missing", fix: "Export with hyperfine --export-json FILE")
            }
            guard let times = entry["times"] as? [Double], !times.isEmpty else {
                throw PerfgateError.badInput(
                    file: path, field: "results[\(i)].times", problem: "is missing or empty",
                    fix: "Use a hyperfine that exports every run time (1.0 or later)")
            }
            var id = command
            if let parameters = entry["parameters"] as? [String: Any], !parameters.isEmpty {
                id += " [" + parameters.keys.sorted().map { "\($0)=\(parameters[$0]!)" }.joined(separator: ",") + "]"
            }
            rounds = max(rounds, times.count)
            benchmarks.append(
                BenchmarkResult(
                    id: id, tags: ["harness": "hyperfine"],
                    metrics: [
                        Metric(name: "wall_time", unit: "ns", direction: .lowerIsBetter, samples: times.map { $0 * 1e9 })
                    ]))
        }
        return try ForeignJSON.finish(ForeignJSON.result(source: "hyperfine", benchmarks: benchmarks, rounds: rounds), path: path)
    }
}
