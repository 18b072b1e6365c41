import Foundation

/// Everything a verdict says: per-metric comparisons, targets, context notes, and the outcome.
/// Renderers (terminal, Markdown, HTML, JSON, JUnit) read only this; `perfgate report` re-renders
/// a stored one. Versioned like result files.
public struct GateReport: Codable, Sendable, Equatable {
    public static let schemaName = "perfgate.report"
    public static let currentVersion = 1

    /// The report's overall result.
    public enum Outcome: String, Codable, Sendable {
        case pass, regression, inconclusive
        case noBaseline = "no baseline"
        /// Regressions flagged against the stored baseline that the paired confirmation could not check.
        case unconfirmed
    }

    /// How the comparison was made.
    public enum Mode: String, Codable, Sendable {
        /// Against a stored baseline (another session): intervals include the drift allowance.
        case storedBaseline = "stored baseline"
        /// Paired A/B rounds of base and head in one session.
        case paired = "paired A/B"
    }

    public var schema = GateReport.schemaName
    public var schemaVersion = GateReport.currentVersion
    public var mode: Mode
    public var baselineSource: String
    public var currentSource: String
    public var baselineCommit: String?
    public var currentCommit: String?
    public var scenario: String
    public var profile: String
    public var comparisons: [MetricComparison]
    public var targets: [TargetResult]
    /// Context a reader needs: cross-machine comparison, a PR that edits its baselines, foreign files.
    public var notes: [String]
    public var alpha: Double
    public var outcome: Outcome
    public var createdAt: Date
    /// How much the machine moved, by the controls (stored-baseline mode; nil when they did not move).
    public var environment: EnvironmentShift?
    /// What wrote the report (e.g. `perfgate 0.3.0, commit …`), shown at its foot; nil in reports
    /// written before it was recorded.
    public var generator: String?
    /// The fixed allowance for session-to-session drift added to each interval (a one-session
    /// stored baseline; nil otherwise), shown with the method.
    public var driftAllowance: Double?
    /// Stored as `missing`; absent from reports written before it existed.
    private var missing: [String]?
    /// Benchmarks the baseline holds that the run did not measure although it was not filtered:
    /// each fails the build, so a change cannot pass its gate by deleting what the gate measures.
    public var missingBenchmarks: [String] { missing ?? [] }

    /// What to do about a missing benchmark.
    public static let missingAdvice =
        "restore it, or — if it was removed on purpose — retire it from the baselines on the default branch first "
        + "(`perfgate baseline retire <id> --reason \"…\"`), so that the gate stops expecting it; a run that selects "
        + "benchmarks with --filter is not held to the others"

    /// A report of `comparisons` and `targets`; its outcome follows from them (see ``outcome(of:targets:hasBaseline:)``).
    public init(
        mode: Mode, baselineSource: String, currentSource: String, baselineCommit: String?, currentCommit: String?,
        scenario: String, profile: String, comparisons: [MetricComparison], targets: [TargetResult], notes: [String],
        alpha: Double, hasBaseline: Bool = true, environment: EnvironmentShift? = nil, unconfirmed: Bool = false,
        missingBenchmarks: [String] = [], createdAt: Date = Date()
    ) {
        self.mode = mode
        self.baselineSource = baselineSource
        self.currentSource = currentSource
        self.baselineCommit = baselineCommit
        self.currentCommit = currentCommit
        self.scenario = scenario
        self.profile = profile
        self.comparisons = comparisons
        self.targets = targets
        self.notes = notes
        self.alpha = alpha
        self.missing = missingBenchmarks.isEmpty ? nil : missingBenchmarks
        self.outcome = Self.outcome(
            of: comparisons, targets: targets, hasBaseline: hasBaseline, environment: environment, unconfirmed: unconfirmed,
            missing: missingBenchmarks)
        self.environment = environment
        self.createdAt = createdAt
    }

    /// The outcome verdicts and targets earn: a regression, failed target or missing benchmark,
    /// else no baseline, else inconclusive metrics, else a pass.
    /// With `unconfirmed` (the paired confirmation could not check the screen's flags, or could
    /// neither confirm nor rule them out), the outcome is `.unconfirmed` unless a target failed.
    public static func outcome(
        of comparisons: [MetricComparison], targets: [TargetResult], hasBaseline: Bool, environment: EnvironmentShift? = nil,
        unconfirmed: Bool = false, missing: [String] = []
    ) -> Outcome {
        if targets.contains(where: { failsTheBuild($0, environment: environment) }) || !missing.isEmpty { return .regression }
        if comparisons.contains(where: { $0.verdict == .regressed }) || unconfirmed { return unconfirmed ? .unconfirmed : .regression }
        if !hasBaseline { return .noBaseline }
        return comparisons.contains { $0.verdict == .inconclusive } ? .inconclusive : .pass
    }

    /// How many metrics got `verdict`.
    public func count(_ verdict: Verdict) -> Int { comparisons.filter { $0.verdict == verdict }.count }

    /// What to do about a failed report, written for someone seeing it first: after a machine that
    /// moved, re-run or confirm; after a confirmed regression, reproduce and fix, or accept it.
    public var advice: String {
        let accept =
            "If the new level is intended, update the baseline on the default branch with `perfgate baseline update --reason \"…\"`; "
            + "a pull request cannot change its own baseline (the gate reads baselines from the base commit)."
        if environment != nil && mode == .storedBaseline && !comparisons.contains(where: { $0.screen != nil }) {
            return "the controls say the machine itself was slower, so these changes are not yet the code's. Re-run on a quiet "
                + "machine, or run `perfgate check`, which confirms each one in paired A/B rounds against the baseline's commit "
                + "before it fails. " + accept
        }
        return "reproduce with `perfgate compare --against <base>` (paired A/B on one machine), profile, fix. " + accept
    }

    /// Records benchmarks a run left out that it was held to (``missingBenchmarks``): the build fails.
    public mutating func markMissing(_ benchmarks: [String]) {
        guard !benchmarks.isEmpty else { return }
        missing = (missing ?? []) + benchmarks.filter { !(missing ?? []).contains($0) }
        outcome = .regression
    }

    /// Sets the outcome again after the comparisons changed (a paired look carrying earlier
    /// decisions forward); the report has a baseline.
    public mutating func updateOutcome() {
        outcome = Self.outcome(of: comparisons, targets: targets, hasBaseline: true, environment: environment, missing: missingBenchmarks)
    }

    /// Targets that fail the build: failed, of severity fail, met by the baseline (a target the
    /// baseline misses too is not this change's doing), and measured while the machine was itself
    /// (with the controls showing the machine slower, an absolute figure says nothing of the code).
    public var failedTargets: [TargetResult] { targets.filter { Self.failsTheBuild($0, environment: environment) } }

    static func failsTheBuild(_ target: TargetResult, environment: EnvironmentShift?) -> Bool {
        target.status == .failed && target.severity == .fail && !target.missedByBaseline && environment == nil
    }
    public var warnedTargets: [TargetResult] {
        targets.filter { ($0.status == .failed && !Self.failsTheBuild($0, environment: environment)) || $0.status == .atRisk }
    }

    /// Comparisons worst first (regressions, then inconclusive, improvements, unchanged …),
    /// largest change first within each.
    public var sortedComparisons: [MetricComparison] {
        comparisons.sorted {
            if $0.verdict.severity != $1.verdict.severity { return $0.verdict.severity < $1.verdict.severity }
            return abs($0.change ?? 0) > abs($1.change ?? 0)
        }
    }

    /// The exit code under the given policy (see README, "Exit codes").
    public func exitCode(strict: Bool, failOnImprovement: Bool, allowMissingBaseline: Bool) -> ExitStatus {
        if outcome == .unconfirmed { return .unconfirmed }
        if !failedTargets.isEmpty || count(.regressed) > 0 || !missingBenchmarks.isEmpty { return .failed }
        if outcome == .noBaseline && !allowMissingBaseline { return .noBaseline }
        if failOnImprovement && count(.improved) > 0 { return .failed }
        if strict && count(.inconclusive) > 0 { return .inconclusive }
        return .pass
    }

    /// Whether any metric was compared (a report of targets alone has no method to state).
    public var hasComparisons: Bool { comparisons.contains { $0.change != nil } }

    /// How this report's numbers were obtained and what a pass means, in a few sentences for the
    /// foot of a report.
    public var method: String {
        let mde =
            "MDE: the true change called regressed with 80 % probability at this run's size, level and tolerance; a pass "
            + "means no regression of the MDE or more, with that certainty."
        switch mode {
        case .paired:
            return "Paired A/B rounds: change = geometric mean of the per-pair ratios; interval = Student's t on the log ratios, "
                + "at the α this look spends (α=\(Format.pValue(alpha)) over all looks) divided among the judged metrics, so "
                + "the chance of any false verdict is at most α. " + mde
        case .storedBaseline:
            let sessions = comparisons.compactMap(\.baselineSessions).max()
            let model =
                sessions.map {
                    "Against a baseline of \($0) sessions: this session's median against the prediction interval of a new session "
                        + "(95 %, random-effects model); p: that model's test"
                }
                ?? "Against a one-session baseline: 95 % bootstrap interval of the change of medians widened by the drift "
                + "allowance (the session-to-session variation is unknown); p: Mann–Whitney U"
            return model + ", Holm-corrected across the gated metrics at α=\(Format.pValue(alpha)). " + mde
        }
    }

    /// The one-line verdict at the end of every report.
    public var headline: String {
        let regressed = count(.regressed)
        let improved = count(.improved)
        let inconclusive = count(.inconclusive)
        let unchanged = count(.unchanged)
        let failed = failedTargets.count
        var parts: [String] = []
        if regressed > 0 { parts.append("\(regressed) regressed") }
        if failed > 0 { parts.append("\(failed) target\(failed == 1 ? "" : "s") failed") }
        if !missingBenchmarks.isEmpty { parts.append("\(missingBenchmarks.count) benchmark(s) missing") }
        if improved > 0 { parts.append("\(improved) improved") }
        if inconclusive > 0 { parts.append("\(inconclusive) inconclusive") }
        parts.append("\(unchanged) unchanged")
        let word: String
        switch outcome {
        case .regression: word = "FAIL"
        case .unconfirmed: word = "UNCONFIRMED"
        case .noBaseline: word = "NO BASELINE"
        case .inconclusive: word = "PASS (with inconclusive metrics)"
        case .pass: word = "PASS"
        }
        return "\(word): " + parts.joined(separator: ", ")
    }

    /// The report as pretty-printed JSON (`--format json`).
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    /// Reads a report written with `--format json`.
    /// - Throws: ``PerfgateError`` (bad input) naming the file.
    public static func load(path: String) throws -> GateReport {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PerfgateError.badInput(
                file: path, field: nil, problem: "cannot be read", fix: "Write one with `perfgate compare --format json --output FILE`")
        }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        try SchemaEnvelope(
            name: schemaName, version: currentVersion, invalidFix: "Regenerate it with `perfgate compare --format json`",
            foreignFix: "Pass a report written by `perfgate compare --format json`", olderFix: "Regenerate it with this perfgate"
        ).check(data, source: path)
        do { return try decoder.decode(GateReport.self, from: data) } catch {
            throw PerfgateError.badInput(
                file: path, field: nil, problem: "does not match the report schema (\(error))", fix: "Regenerate it")
        }
    }
}
