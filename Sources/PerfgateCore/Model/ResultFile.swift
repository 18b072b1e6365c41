import Foundation

/// A run's results as stored in a file, a baseline or a git note: versioned JSON.
///
/// Readers refuse other schema versions with a message that says how to convert or regenerate,
/// and refuse anything the statistics cannot use (missing fields, NaN, negative values, fewer than
/// two samples) with a message naming the file and the field.
public struct ResultFile: Codable, Sendable, Equatable {
    public static let schemaName = "perfgate.result"
    public static let currentVersion = 1

    public var schema: String
    public var schemaVersion: Int
    public var run: RunMetadata
    public var benchmarks: [BenchmarkResult]
    /// The 0–10 performance score of a WAL suite run.
    public var score: PerformanceScore?
    /// Baseline files also say why they were accepted, and from what.
    public var baselineReason: String?

    /// A result of the current schema version.
    public init(run: RunMetadata, benchmarks: [BenchmarkResult], score: PerformanceScore? = nil, baselineReason: String? = nil) {
        schema = Self.schemaName
        schemaVersion = Self.currentVersion
        self.run = run
        self.benchmarks = benchmarks
        self.score = score
        self.baselineReason = baselineReason
    }

    /// The benchmark with `id`, if the run measured it.
    public func benchmark(_ id: String) -> BenchmarkResult? { benchmarks.first { $0.id == id } }

    // MARK: Encoding

    /// Pretty, sorted JSON (for files people diff), or one compact line (for git notes).
    public func encoded(compact: Bool = false) throws -> Data {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting =
            compact ? [.sortedKeys, .withoutEscapingSlashes] : [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    /// Writes atomically: to a temporary file beside `path`, then rename.
    public func write(to path: String) throws {
        let data: Data
        do { data = try encoded() } catch {
            throw PerfgateError(.environment, "could not encode the result: \(error)")
        }
        try AtomicFile.write(data + Data("\n".utf8), to: path)
    }

    // MARK: Decoding and validation

    /// Reads and validates a result or baseline file.
    public static func load(path: String) throws -> ResultFile {
        try InputLimits.checkFileSize(path)
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw PerfgateError.badInput(
                file: path, field: nil, problem: "cannot be read (\((error as NSError).localizedDescription))",
                fix: "Check the path; `perfgate run --output FILE` writes a result file")
        }
        return try decode(data, source: path)
    }

    /// Decodes and validates; `source` names the input in error messages.
    public static func decode(_ data: Data, source: String) throws -> ResultFile {
        if data.isEmpty {
            throw PerfgateError.badInput(file: source, field: nil, problem: "is empty", fix: "Regenerate it with `perfgate run`")
        }
        // The fast path: a result as perfgate writes it decodes in one quick pass. Anything it
        // does not accept takes the path below, which reads what JSONDecoder reads and words the
        // errors (a long history decodes thousands of results; a bad file is rare).
        if let fast = try? FastJSONDecoder.decode(ResultFile.self, from: data), fast.schema == schemaName,
            fast.schemaVersion == currentVersion
        {
            try fast.validate(source: source)
            return fast
        }
        // Check the envelope first, so a file of another version gets a version message rather
        // than a confusing field error.
        try SchemaEnvelope(
            name: schemaName, version: currentVersion, invalidFix: "Regenerate it with `perfgate run`, or restore it from git",
            foreignFix: "This is not a perfgate result; for other harnesses pass --input-format (hyperfine, google-benchmark, "
                + "package-benchmark, criterion)",
            olderFix: "Regenerate it with `perfgate run`, or for a baseline `perfgate baseline update --from <result>`"
        ).check(data, source: source)
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let file: ResultFile
        do { file = try decoder.decode(ResultFile.self, from: data) } catch let error as DecodingError {
            let (field, problem) = describe(error)
            throw PerfgateError.badInput(
                file: source, field: field, problem: problem, fix: "Fix or regenerate the file with `perfgate run`")
        } catch {
            throw PerfgateError.badInput(file: source, field: nil, problem: "\(error)", fix: "Regenerate it with `perfgate run`")
        }
        try file.validate(source: source)
        return file
    }

    /// Checks what the statistics rely on.
    public func validate(source: String) throws {
        if benchmarks.isEmpty {
            throw PerfgateError.badInput(
                file: source, field: "benchmarks", problem: "is empty", fix: "Run at least one benchmark (check --filter)")
        }
        var seen = Set<String>()
        var total = 0
        for (b, benchmark) in benchmarks.enumerated() {
            if !seen.insert(benchmark.id).inserted {
                throw PerfgateError.badInput(
                    file: source, field: "benchmarks[\(b)].id", problem: "\(benchmark.id) appears twice",
                    fix: "Each benchmark id must be unique in a result")
            }
            for (m, metric) in benchmark.metrics.enumerated() where metric.available {
                let field = "benchmarks[\(b)] (\(benchmark.id)).metrics[\(m)] (\(metric.name)).samples"
                if metric.samples.isEmpty {
                    throw PerfgateError.badInput(
                        file: source, field: field, problem: "has no samples",
                        fix: "Mark the metric \"available\": false, or rerun with more rounds")
                }
                if let bad = metric.samples.firstIndex(where: { !$0.isFinite }) {
                    throw PerfgateError.badInput(
                        file: source, field: "\(field)[\(bad)]", problem: "is not a finite number",
                        fix: "Remove the sample or rerun the benchmark")
                }
                if let bad = metric.samples.firstIndex(where: { $0 < 0 }) {
                    throw PerfgateError.badInput(
                        file: source, field: "\(field)[\(bad)]", problem: "is negative (\(metric.samples[bad]))",
                        fix: "Timings, rates and counts cannot be negative; rerun the benchmark")
                }
                // perfgate's suite times real work: a zero there is a failed timer. (Other harnesses
                // may report 0 for work below their resolution; the comparison flags those.)
                if run.source == "perfgate", metric.kind == .timing, Self.isTimeUnit(metric.unit), metric.samples.allSatisfy({ $0 == 0 }) {
                    throw PerfgateError.badInput(
                        file: source, field: field,
                        problem: "is all zeros (\(metric.samples.count) sample(s) of 0 \(metric.unit)): "
                            + "a measured time cannot be zero, so the timer or the harness failed",
                        fix: "Rerun the benchmark; if the work was optimised away, give it work the compiler must keep")
                }
                if metric.samples.count > InputLimits.maxSamplesPerMetric {
                    throw PerfgateError.badInput(
                        file: source, field: field,
                        problem: "has \(metric.samples.count) samples, more than the "
                            + "\(InputLimits.maxSamplesPerMetric) perfgate reads per metric",
                        fix: "Record fewer rounds (each sample is a round: a few dozen are plenty), or aggregate them")
                }
                total += metric.samples.count
            }
        }
        if total > InputLimits.maxSamplesTotal {
            throw PerfgateError.badInput(
                file: source, field: "benchmarks",
                problem: "hold \(total) samples in all, more than the "
                    + "\(InputLimits.maxSamplesTotal) perfgate compares in one run",
                fix: "Split the run (perfgate run --filter), or record fewer rounds")
        }
    }

    /// Units of measured time (a time of zero is impossible; a count or a rate may be zero).
    static func isTimeUnit(_ unit: String) -> Bool {
        let base = unit.split(separator: "/").first.map(String.init) ?? unit
        return ["ns", "us", "µs", "μs", "ms", "s"].contains(base)
    }

    private static func describe(_ error: DecodingError) -> (String, String) {
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
                .trimmingCharacters(in: CharacterSet(charactersIn: "."))
        }
        switch error {
        case .keyNotFound(let key, let context):
            let parent = path(context)
            return (parent.isEmpty ? key.stringValue : "\(parent).\(key.stringValue)", "is missing")
        case .typeMismatch(let type, let context):
            return (path(context), "has the wrong type (expected \(type))")
        case .valueNotFound(let type, let context):
            return (path(context), "is null (expected \(type))")
        case .dataCorrupted(let context):
            return (path(context), context.debugDescription)
        @unknown default:
            return ("?", "\(error)")
        }
    }
}
