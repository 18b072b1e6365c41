import Foundation

/// criterion.rs output: for each benchmark directory under `target/criterion`, `new/sample.json`
/// (`{"iters": [...], "times": [...]}`, total ns per sample) gives the per-iteration time of each
/// sample, and `new/estimates.json` must be present too (it marks a finished measurement). The id
/// is `new/benchmark.json`'s `full_id` when present, else the directory path.
enum CriterionReader {
    static func sampleFiles(in directory: String) -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: directory) else { return [] }
        var found: [String] = []
        while let item = enumerator.nextObject() as? String {
            if item.hasSuffix("new/sample.json") && !item.contains("/report/") { found.append(directory + "/" + item) }
        }
        return found.sorted()
    }

    static func read(_ path: String) throws -> ResultFile {
        var isDirectory: ObjCBool = false
        FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
        let root: String
        let samplePaths: [String]
        if isDirectory.boolValue {
            root = path
            samplePaths = sampleFiles(in: path)
        } else {
            let newDirectory = (path as NSString).deletingLastPathComponent
            root = ((newDirectory as NSString).deletingLastPathComponent as NSString).deletingLastPathComponent
            samplePaths = [newDirectory + "/sample.json"]
        }
        guard !samplePaths.isEmpty else {
            throw PerfgateError.badInput(
                file: path, field: nil, problem: "holds no criterion samples (*/new/sample.json)",
                fix: "Pass target/criterion after cargo bench")
        }
        var benchmarks: [BenchmarkResult] = []
        for samplePath in samplePaths {
            let newDirectory = (samplePath as NSString).deletingLastPathComponent
            guard let sample = try ForeignJSON.parse(samplePath) as? [String: Any] else {
                throw PerfgateError.badInput(file: samplePath, field: nil, problem: "is not a JSON object", fix: "Rerun cargo bench")
            }
            guard let iters = sample["iters"] as? [Double], let times = sample["times"] as? [Double], iters.count == times.count,
                !iters.isEmpty
            else {
                throw PerfgateError.badInput(
                    file: samplePath, field: "iters/times", problem: "are missing, empty or of different lengths", fix: "Rerun cargo bench")
            }
            let estimatesPath = newDirectory + "/estimates.json"
            guard let estimates = try ForeignJSON.parse(estimatesPath) as? [String: Any], estimates["mean"] is [String: Any] else {
                throw PerfgateError.badInput(
                    file: estimatesPath, field: "mean", problem: "is missing", fix: "Rerun cargo bench to completion")
            }
            var id = String(newDirectory.dropFirst(root.count).drop { $0 == "/" }.dropLast("/new".count))
            if let info = try? ForeignJSON.parse(newDirectory + "/benchmark.json") as? [String: Any],
                let fullID = info["full_id"] as? String
            {
                id = fullID
            }
            let perIteration = zip(times, iters).map { $0 / max($1, 1) }
            benchmarks.append(
                BenchmarkResult(
                    id: id, tags: ["harness": "criterion"],
                    metrics: [
                        Metric(name: "time_per_iteration", unit: "ns", direction: .lowerIsBetter, samples: perIteration)
                    ]))
        }
        benchmarks.sort { $0.id < $1.id }
        return try ForeignJSON.finish(
            ForeignJSON.result(
                source: "criterion", benchmarks: benchmarks,
                rounds: benchmarks.first?.metrics[0].samples.count ?? 0), path: path)
    }
}
