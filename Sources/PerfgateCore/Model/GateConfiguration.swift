import Foundation
import PerfgateSupport

/// The gate's settings and the absolute targets, from `perfgate.json` at the repository root.
/// Unknown keys and patterns that match no benchmark are errors, never silently ignored.
public struct GateConfiguration: Codable, Sendable, Equatable {
    /// Statistical settings.
    public struct Settings: Codable, Sendable, Equatable {
        /// Family-wise level of the significance step against a stored baseline (Holm across all
        /// gated metrics of a run). Default 0.02: a stored comparison has a fixed 20 rounds a side,
        /// and its verdict also needs the estimate beyond the tolerance and an interval, drift
        /// allowance included, that excludes no change, so the measured suite-level false-alarm
        /// rate stays below α (README, "Evidence": 0.01 missed 11 % of 10 % slowdowns, 0.05 raised
        /// 1.2 % false alarms, 0.02 met both targets).
        public var alpha: Double = 0.02
        /// α of the paired A/B mode, split evenly over its planned looks. Default 0.01: the mode
        /// adds rounds until it decides, so it can afford the stricter level.
        public var pairedAlpha: Double = 0.01
        /// Default tolerance: changes within ± this fraction are "unchanged". Default 0.05.
        public var tolerance: Double = 0.05
        /// Default tolerance of the paired A/B mode, where base and head share one session: 0.03,
        /// chosen from `perfgate calibrate` on this project's runner (see README).
        public var pairedTolerance: Double = 0.03
        /// Allowance for drift between sessions when comparing with a stored baseline (added in
        /// quadrature to the interval's half-width). 0.03 covers the ±2.6 % measured between
        /// back-to-back sessions here. Not applied in paired A/B mode.
        public var driftFloor: Double = 0.03
        /// Tolerance of exact counters (they need no statistics). Default 0.005.
        public var counterTolerance: Double = 0.005
        /// Metrics that are gated; others are reported only. Default: all but `max`. Every name
        /// must be a metric that exists (a misspelt name would silently gate nothing). A result
        /// from another harness none of whose metrics is listed is gated by the default rule.
        public var metrics: [String]?
        /// Bootstrap resamples and seed (verdicts are reproducible).
        public var bootstrapResamples: Int = 10_000
        public var seed: UInt64 = 1
        /// A percentile is gated only when at least this many operations lie beyond it per round.
        public var minimumTailSamples: Int = 10

        /// The bootstrap seed of one metric (or target), from the run's ``seed`` and the metric's
        /// identity (FNV-1a of `id`, mixed by one SplitMix64 step): reproducible, and different for
        /// every metric, so metrics with as many samples do not share their resampling indices.
        public func seed(for id: String) -> UInt64 {
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for byte in id.utf8 {
                hash ^= UInt64(byte)
                hash = hash &* 0x0000_0100_0000_01b3
            }
            var mixer = SplitMix64(seed: seed ^ hash)
            return mixer.next()
        }

        /// The defaults (see each setting's note).
        public init() {}

        enum CodingKeys: String, CodingKey, CaseIterable {
            case alpha, pairedAlpha, tolerance, pairedTolerance, driftFloor, counterTolerance, metrics, bootstrapResamples, seed,
                minimumTailSamples
        }

        /// Decodes the settings present and keeps the defaults for the rest.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            let d = Settings()
            alpha = try c.decodeIfPresent(Double.self, forKey: .alpha) ?? d.alpha
            pairedAlpha = try c.decodeIfPresent(Double.self, forKey: .pairedAlpha) ?? d.pairedAlpha
            tolerance = try c.decodeIfPresent(Double.self, forKey: .tolerance) ?? d.tolerance
            pairedTolerance = try c.decodeIfPresent(Double.self, forKey: .pairedTolerance) ?? d.pairedTolerance
            driftFloor = try c.decodeIfPresent(Double.self, forKey: .driftFloor) ?? d.driftFloor
            counterTolerance = try c.decodeIfPresent(Double.self, forKey: .counterTolerance) ?? d.counterTolerance
            metrics = try c.decodeIfPresent([String].self, forKey: .metrics)
            bootstrapResamples = try c.decodeIfPresent(Int.self, forKey: .bootstrapResamples) ?? d.bootstrapResamples
            if let rawSeed = try c.decodeIfPresent(Int64.self, forKey: .seed) {
                guard rawSeed >= 0 else {
                    throw DecodingError.dataCorruptedError(
                        forKey: .seed, in: c, debugDescription: "is \(rawSeed); it must be a whole number ≥ 0")
                }
                seed = UInt64(rawSeed)
            } else {
                seed = d.seed
            }
            minimumTailSamples = try c.decodeIfPresent(Int.self, forKey: .minimumTailSamples) ?? d.minimumTailSamples
        }
    }

    /// A tolerance for the benchmarks matching `benchmark` (a glob) and, optionally, one metric.
    public struct ToleranceOverride: Codable, Sendable, Equatable {
        public var benchmark: String
        public var metric: String?
        public var tolerance: Double
        enum CodingKeys: String, CodingKey, CaseIterable { case benchmark, metric, tolerance }
    }

    /// Whether a failed target fails the gate or only warns.
    public enum Severity: String, Codable, Sendable { case fail, warn }

    /// An absolute target: the metric must stay at or below `max` (or at or above `min`).
    public struct Target: Codable, Sendable, Equatable {
        public var name: String
        public var benchmark: String
        public var metric: String
        public var max: Double?
        public var min: Double?
        public var unit: String
        public var severity: Severity
        /// Per-machine-profile limits replacing `max`/`min` on that profile.
        public var profiles: [String: Double]?
        /// The least volume of data the figure must be measured on to be judged against the limit
        /// (the benchmark's `bytes` tag): a per-GB figure from a 64 MB log is dominated by fixed
        /// costs. A run on less reports the target as not judged, and why, instead of failing it.
        public var minimumVolume: Double?
        enum CodingKeys: String, CodingKey, CaseIterable {
            case name, benchmark, metric, max, min, unit, severity, profiles, minimumVolume
        }

        /// The limit in force on `profile`.
        public func limit(profile: String) -> Double? { profiles?[profile] ?? max ?? min }
        public var isUpperBound: Bool { max != nil || (min == nil) }
    }

    /// Settings of the reports.
    public struct ReportSettings: Codable, Sendable, Equatable {
        /// Where the history dashboard (`perfgate report --history`) is published, e.g.
        /// `https://org.github.io/repo/perf`: reports link each metric to its history page there.
        public var historyURL: String?
        enum CodingKeys: String, CodingKey, CaseIterable { case historyURL }
        /// No links.
        public init(historyURL: String? = nil) { self.historyURL = historyURL }
    }

    public var version: Int = 1
    public var gate = Settings()
    public var report = ReportSettings()
    public var tolerances: [ToleranceOverride] = []
    public var targets: [Target] = []

    /// The default configuration: the default settings, no overrides, no targets.
    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable { case version, gate, tolerances, targets, report }

    /// Decodes a configuration; absent sections keep their defaults.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        version = try c.decodeIfPresent(Int.self, forKey: .version) ?? 1
        gate = try c.decodeIfPresent(Settings.self, forKey: .gate) ?? Settings()
        tolerances = try c.decodeIfPresent([ToleranceOverride].self, forKey: .tolerances) ?? []
        targets = try c.decodeIfPresent([Target].self, forKey: .targets) ?? []
        report = try c.decodeIfPresent(ReportSettings.self, forKey: .report) ?? ReportSettings()
    }

    /// The tolerance for one metric: the last matching override, else the default of the mode.
    public func tolerance(benchmark: String, metric: String, paired: Bool = false) -> Double {
        tolerances.last { Glob.matches($0.benchmark, benchmark) && ($0.metric == nil || $0.metric == metric) }?.tolerance
            ?? (paired ? gate.pairedTolerance : gate.tolerance)
    }

    /// Whether a metric is gated (as opposed to reported only). `listedInResult`: whether
    /// `gate.metrics` names any metric of the result being judged; when it names none (another
    /// harness's result under a configuration written for the WAL suite), the default rule applies,
    /// so a foreign harness's timings are never silently left ungated.
    public func isGated(metric: String, listedInResult: Bool = true) -> Bool {
        if let metrics = gate.metrics, listedInResult { return metrics.contains(metric) }
        return metric != "max"
    }

    // MARK: Loading

    /// Reads and validates `perfgate.json`. `knownBenchmarks`: ids every pattern must match one of.
    public static func load(path: String, knownBenchmarks: Set<String>, knownMetrics: Set<String> = []) throws -> GateConfiguration {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PerfgateError.badInput(
                file: path, field: nil, problem: "cannot be read", fix: "Create it (see README, 'Configuration') or pass --config")
        }
        return try decode(data, source: path, knownBenchmarks: knownBenchmarks, knownMetrics: knownMetrics)
    }

    /// Decodes and validates. `knownBenchmarks` and `knownMetrics` (when not empty) are what
    /// patterns and `gate.metrics` names must match.
    public static func decode(
        _ data: Data, source: String, knownBenchmarks: Set<String>,
        knownMetrics: Set<String> = []
    ) throws -> GateConfiguration {
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: data) } catch {
            throw PerfgateError.badInput(
                file: source, field: nil, problem: "is not valid JSON (\(JSONDiagnosis.describe(data, error: error)))",
                fix: "Fix the syntax (a trailing comma or a missing quote?)")
        }
        guard let root = object as? [String: Any] else {
            throw PerfgateError.badInput(file: source, field: nil, problem: "is not a JSON object", fix: "See README, 'Configuration'")
        }
        try checkKeys(root, allowed: CodingKeys.allCases.map(\.rawValue), field: nil, source: source)
        if let gate = root["gate"] as? [String: Any] {
            try checkKeys(gate, allowed: Settings.CodingKeys.allCases.map(\.rawValue), field: "gate", source: source)
        }
        if let report = root["report"] as? [String: Any] {
            try checkKeys(report, allowed: ReportSettings.CodingKeys.allCases.map(\.rawValue), field: "report", source: source)
            if let url = report["historyURL"] as? String, !(url.hasPrefix("https://") || url.hasPrefix("http://")) {
                throw PerfgateError.badInput(
                    file: source, field: "report.historyURL", problem: "'\(url)' is not an http(s) URL",
                    fix: "Give the address the dashboard is published at, e.g. https://org.github.io/repo/perf")
            }
        }
        for (i, item) in ((root["tolerances"] as? [Any]) ?? []).enumerated() {
            try checkKeys(
                item as? [String: Any] ?? [:], allowed: ToleranceOverride.CodingKeys.allCases.map(\.rawValue),
                field: "tolerances[\(i)]", source: source)
        }
        for (i, item) in ((root["targets"] as? [Any]) ?? []).enumerated() {
            try checkKeys(
                item as? [String: Any] ?? [:], allowed: Target.CodingKeys.allCases.map(\.rawValue),
                field: "targets[\(i)]", source: source)
        }
        let configuration: GateConfiguration
        do { configuration = try JSONDecoder().decode(GateConfiguration.self, from: data) } catch let error as DecodingError {
            func path(_ context: DecodingError.Context) -> String {
                context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
                    .trimmingCharacters(in: CharacterSet(charactersIn: "."))
            }
            let field: String
            let problem: String
            switch error {
            case .keyNotFound(let key, let context):
                field = [path(context), key.stringValue].filter { !$0.isEmpty }.joined(separator: ".")
                problem = "is missing"
            case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
                field = path(context)
                problem = "has the wrong type (expected \(type == Double.self ? "a number" : type == String.self ? "a string" : "\(type)"))"
            case .dataCorrupted(let context):
                field = path(context)
                problem = context.debugDescription
            @unknown default:
                field = "?"
                problem = "is not valid"
            }
            throw PerfgateError.badInput(
                file: source, field: field.isEmpty ? "(top level)" : field, problem: problem,
                fix: "See README, 'Configuration'")
        } catch {
            throw PerfgateError.badInput(file: source, field: nil, problem: "\(error)", fix: "See README, 'Configuration'")
        }
        try configuration.validate(source: source, knownBenchmarks: knownBenchmarks, knownMetrics: knownMetrics)
        return configuration
    }

    private static func checkKeys(_ object: [String: Any], allowed: [String], field: String?, source: String) throws {
        for key in object.keys.sorted() where !allowed.contains(key) {
            let path = field.map { "\($0).\(key)" } ?? key
            throw PerfgateError.badInput(
                file: source, field: path, problem: "is not a known setting",
                fix: "Remove it or fix its spelling; known here: \(allowed.joined(separator: ", "))")
        }
    }

    func validate(source: String, knownBenchmarks: Set<String>, knownMetrics: Set<String> = []) throws {
        guard version == 1 else {
            throw PerfgateError.badInput(
                file: source, field: "version", problem: "is \(version); this perfgate reads version 1", fix: "Set \"version\": 1")
        }
        let g = gate
        guard g.alpha > 0 && g.alpha < 0.5 else {
            throw PerfgateError.badInput(file: source, field: "gate.alpha", problem: "must be in (0, 0.5)", fix: "Use e.g. 0.02")
        }
        guard g.pairedAlpha > 0 && g.pairedAlpha < 0.5 else {
            throw PerfgateError.badInput(file: source, field: "gate.pairedAlpha", problem: "must be in (0, 0.5)", fix: "Use e.g. 0.01")
        }
        guard g.tolerance >= 0 && g.tolerance < 1 else {
            throw PerfgateError.badInput(
                file: source, field: "gate.tolerance", problem: "must be a fraction in [0, 1)", fix: "Write 5 % as 0.05")
        }
        guard g.driftFloor >= 0 && g.driftFloor < 1 else {
            throw PerfgateError.badInput(
                file: source, field: "gate.driftFloor", problem: "must be a fraction in [0, 1)", fix: "Write 3 % as 0.03")
        }
        if let metrics = g.metrics, !knownMetrics.isEmpty {
            for (i, name) in metrics.enumerated() where !knownMetrics.contains(name) {
                throw PerfgateError.badInput(
                    file: source, field: "gate.metrics[\(i)]",
                    problem: "'\(name)' is not a metric of this suite or of the results compared",
                    fix: "Use one of: \(knownMetrics.sorted().joined(separator: ", ")) (names are case-sensitive)")
            }
        }
        guard g.bootstrapResamples >= 100 else {
            throw PerfgateError.badInput(file: source, field: "gate.bootstrapResamples", problem: "must be at least 100", fix: "Use 10000")
        }
        for (i, t) in tolerances.enumerated() {
            guard t.tolerance >= 0 && t.tolerance < 1 else {
                throw PerfgateError.badInput(
                    file: source, field: "tolerances[\(i)].tolerance", problem: "must be a fraction in [0, 1)", fix: "Write 10 % as 0.10")
            }
            if !knownBenchmarks.isEmpty && !knownBenchmarks.contains(where: { Glob.matches(t.benchmark, $0) }) {
                throw PerfgateError.badInput(
                    file: source, field: "tolerances[\(i)].benchmark", problem: "'\(t.benchmark)' matches no benchmark",
                    fix: "Check the id with `perfgate list --scenario comprehensive`")
            }
        }
        for (i, t) in targets.enumerated() {
            if (t.max == nil) == (t.min == nil) {
                throw PerfgateError.badInput(
                    file: source, field: "targets[\(i)]", problem: "needs exactly one of \"max\" or \"min\"",
                    fix: "Add \"max\": <limit> for costs, \"min\" for throughput")
            }
            if !knownBenchmarks.isEmpty && !knownBenchmarks.contains(where: { Glob.matches(t.benchmark, $0) }) {
                throw PerfgateError.badInput(
                    file: source, field: "targets[\(i)].benchmark", problem: "'\(t.benchmark)' matches no benchmark",
                    fix: "Check the id with `perfgate list --scenario comprehensive`")
            }
        }
    }
}
