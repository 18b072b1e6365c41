import Foundation

/// The formats `--input-format` reads. perfgate's own result files, and the output of four other
/// benchmark harnesses, normalised into a ``ResultFile`` (times in ns, rates per second, the
/// direction kept, no machine fingerprint).
public enum InputFormat: String, CaseIterable, Sendable {
    case auto
    case perfgate
    /// `hyperfine --export-json`: every run time of each command is a sample.
    case hyperfine
    /// `--benchmark_format=json` with `--benchmark_repetitions`: per-repetition real and CPU time.
    case googleBenchmark = "google-benchmark"
    /// ordo-one package-benchmark `--format jsonSmallerIsBetter|jsonBiggerIsBetter`: one file per
    /// run; a directory of repeated exports gives one round per file.
    case packageBenchmark = "package-benchmark"
    /// criterion.rs: a `target/criterion` directory (each benchmark's `new/sample.json` and `estimates.json`).
    case criterion

    /// Reads `path` in this format (detecting it for `.auto`). `detected` receives the chosen format.
    public func load(_ path: String, detected: ((InputFormat) -> Void)? = nil) throws -> ResultFile {
        var format = self
        if format == .auto {
            format = try InputFormat.detect(path)
            detected?(format)
        }
        switch format {
        case .auto, .perfgate: return try ResultFile.load(path: path)
        case .hyperfine: return try HyperfineReader.read(path)
        case .googleBenchmark: return try GoogleBenchmarkReader.read(path)
        case .packageBenchmark: return try PackageBenchmarkReader.read(path)
        case .criterion: return try CriterionReader.read(path)
        }
    }

    /// Guesses the format of a file or directory from its structure.
    public static func detect(_ path: String) throws -> InputFormat {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw PerfgateError.badInput(file: path, field: nil, problem: "does not exist", fix: "Check the path")
        }
        if isDirectory.boolValue {
            if CriterionReader.sampleFiles(in: path).count > 0 { return .criterion }
            if PackageBenchmarkReader.files(in: path).count > 0 { return .packageBenchmark }
            throw PerfgateError.badInput(
                file: path, field: nil,
                problem: "is a directory with neither criterion samples (*/new/sample.json) nor package-benchmark exports",
                fix: "Pass a results file, or name the format with --input-format")
        }
        if path.hasSuffix("sample.json") || path.hasSuffix("estimates.json") { return .criterion }
        let object = try ForeignJSON.parse(path)
        if let root = object as? [String: Any] {
            if root["schema"] as? String == ResultFile.schemaName { return .perfgate }
            if let results = root["results"] as? [[String: Any]], results.first?["command"] != nil { return .hyperfine }
            if root["benchmarks"] is [Any], root["context"] is [String: Any] { return .googleBenchmark }
        }
        if let array = object as? [[String: Any]], let first = array.first, first["name"] != nil, first["value"] != nil,
            first["unit"] != nil
        {
            return .packageBenchmark
        }
        throw PerfgateError.badInput(
            file: path, field: nil, problem: "is not a format perfgate recognises",
            fix: "Pass --input-format (perfgate, hyperfine, google-benchmark, package-benchmark, criterion)")
    }
}

/// Shared helpers of the readers.
enum ForeignJSON {
    static func parse(_ path: String) throws -> Any {
        try InputLimits.checkFileSize(path)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PerfgateError.badInput(file: path, field: nil, problem: "cannot be read", fix: "Check the path and permissions")
        }
        guard !data.isEmpty else {
            throw PerfgateError.badInput(file: path, field: nil, problem: "is empty", fix: "Rerun the benchmark tool")
        }
        do { return try JSONSerialization.jsonObject(with: data) } catch {
            if let problem = JSONDiagnosis.firstProblem(in: data) {
                throw PerfgateError.badInput(
                    file: path, field: nil, problem: "is not valid JSON: \(problem.description)",
                    fix: "Rerun the benchmark tool; a harness writes such values when a measurement failed")
            }
            throw PerfgateError.badInput(
                file: path, field: nil, problem: "is not valid JSON (\(JSONDiagnosis.describe(data, error: error))); it may be truncated",
                fix: "Rerun the benchmark tool and export again")
        }
    }

    /// The time unit's factor to nanoseconds.
    static func nanoseconds(per unit: String) -> Double? {
        switch unit.lowercased() {
        case "ns": return 1
        case "us", "µs", "μs": return 1e3
        case "ms": return 1e6
        case "s": return 1e9
        default: return nil
        }
    }

    /// A result of another harness: no machine fingerprint, one round per sample.
    static func result(source: String, benchmarks: [BenchmarkResult], rounds: Int) -> ResultFile {
        let now = Date()
        let run = RunMetadata(
            scenario: source, startedAt: now, finishedAt: now, toolchain: "unknown", buildConfiguration: "unknown",
            machine: .unknown, source: source, rounds: rounds)
        return ResultFile(run: run, benchmarks: benchmarks)
    }

    /// Validates like a perfgate file (single samples are read, then reported as not gated).
    static func finish(_ result: ResultFile, path: String) throws -> ResultFile {
        guard !result.benchmarks.isEmpty else {
            throw PerfgateError.badInput(
                file: path, field: nil, problem: "holds no benchmark results", fix: "Check that the tool ran its benchmarks")
        }
        try result.validate(source: path)
        return result
    }
}
