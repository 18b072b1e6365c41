import Foundation
import PerfgateCore
import PerfgateGit

/// One gate decision, from inputs to report: which commit's baselines and configuration apply,
/// which baseline, whether the comparison is allowed (scenario, machine), the notes a reader
/// needs (a debug build, a dirty tree, a pull request that edits its own gate), and the
/// comparison. Everything it reads from outside comes in as values (the repository, the
/// environment), so it runs the same in a test as in a CI job.
public struct GateSession {
    public var policy: GatePolicy
    /// The repository around the current directory; nil outside git.
    public let repository: GitRepository?
    public let environment: SessionEnvironment
    /// The repository root (or the current directory outside git), with a trailing slash.
    public let root: String
    /// Benchmark ids and metric names that patterns and names in `perfgate.json` may name.
    public var knownBenchmarks: Set<String>
    public var knownMetrics: Set<String>

    /// A session over `repository` (nil outside git) in `environment`; `knownBenchmarks` and
    /// `knownMetrics` are what `perfgate.json` may name (the results compared are added to them).
    public init(
        policy: GatePolicy, repository: GitRepository?, environment: SessionEnvironment,
        knownBenchmarks: Set<String>, knownMetrics: Set<String>
    ) {
        self.policy = policy
        self.repository = repository
        self.environment = environment
        root =
            repository?.workdir
            ?? (environment.currentDirectory.hasSuffix("/")
                ? environment.currentDirectory
                : environment.currentDirectory + "/")
        self.knownBenchmarks = knownBenchmarks
        self.knownMetrics = knownMetrics
    }

    /// The base commit whose baselines and configuration apply: `baseRef`, else the pull request's
    /// base on GitHub Actions; nil outside git or when neither names one.
    /// - Throws: ``PerfgateError`` (environment) when the revision is not in the clone.
    public func baseCommit(baseRef: String?) throws -> ObjectID? {
        guard let repository, let revision = baseRef ?? environment.github.pullRequestBase else { return nil }
        do { return try repository.resolve(revision) } catch let error as GitError {
            throw PerfgateError.environment(error, hint: "The base commit must be fetched (actions/checkout with fetch-depth: 0)")
        }
    }

    /// A repository file at the base commit (when there is one) or in the work tree, with a
    /// description of where it came from; nil when it does not exist.
    public func readRepositoryFile(_ relative: String, base: ObjectID?) throws -> (data: Data, source: String)? {
        if let base, let repository {
            do {
                guard let data = try repository.fileContents(relative, at: base) else { return nil }
                return (data, "\(relative) at \(base.hex.prefix(12))")
            } catch let error as GitError { throw PerfgateError.environment(error) }
        }
        guard let data = FileManager.default.contents(atPath: root + relative) else { return nil }
        return (data, relative)
    }

    /// The configuration: the policy's file, else `perfgate.json` (at the base commit in a pull
    /// request), else the defaults; the policy's tolerance overrides it.
    /// - Throws: ``PerfgateError`` (bad input) naming the file and field of a configuration problem.
    public func configuration(base: ObjectID?) throws -> GateConfiguration {
        var configuration: GateConfiguration
        if let path = policy.configPath {
            configuration = try GateConfiguration.load(path: path, knownBenchmarks: knownBenchmarks, knownMetrics: knownMetrics)
        } else if let (data, source) = try readRepositoryFile("perfgate.json", base: base) {
            configuration = try GateConfiguration.decode(data, source: source, knownBenchmarks: knownBenchmarks, knownMetrics: knownMetrics)
        } else {
            configuration = GateConfiguration()
        }
        if let tolerance = policy.tolerance { configuration.gate.tolerance = tolerance }
        return configuration
    }

    /// The baseline for `current`: `explicit` when given (already loaded, with its source), else
    /// `baselines/<profile>/<scenario>.json` at the base commit or in the work tree. Returns the
    /// baseline (nil when there is none), its source, and a note when it is missing.
    public func baseline(for current: ResultFile, explicit: (ResultFile, String)?, base: ObjectID?) throws
        -> (baseline: ResultFile?, source: String, note: String?)
    {
        if let (file, source) = explicit { return (file, source, nil) }
        let profile = policy.profile ?? current.run.machine.profile
        let relative = BaselineStore.relativePath(profile: profile, scenario: current.run.scenario)
        guard let (data, source) = try readRepositoryFile(relative, base: base) else {
            return (
                nil, "\(relative) (missing)",
                "no baseline \(relative)" + (base.map { " at \($0.hex.prefix(12))" } ?? "")
                    + ": create one on the default branch with `perfgate baseline update --reason \"first baseline\"`"
            )
        }
        return (try ResultFile.decode(data, source: source), source, nil)
    }

    /// Compares `current` with its baseline under the policy and returns the report.
    /// - Parameters:
    ///   - explicitBaseline: a baseline the user named (``ResultSource/load(_:scenario:loadFile:repository:)``).
    ///   - baseRef: the commit whose baselines and configuration apply (default: the PR's base).
    ///   - mode: stored baseline (default) or paired.
    /// - Throws: ``PerfgateError`` when the baseline cannot be used (another scenario or machine
    ///   without the policy allowing it) or an input is bad.
    public func report(
        current: ResultFile, currentSource: String, explicitBaseline: (ResultFile, String)?, baseRef: String?,
        mode: GateReport.Mode = .storedBaseline, screening: Bool = false, extraNotes: [String] = []
    ) throws -> GateReport {
        let base = try baseCommit(baseRef: baseRef)
        var notes = extraNotes
        let (baseline, baselineSource, missing) = try baseline(for: current, explicit: explicitBaseline, base: base)
        if let missing { notes.append(missing) }
        notes += try comparabilityNotes(current: current, currentSource: currentSource, baseline: baseline, baselineSource: baselineSource)
        notes += gateEditNotes(base: base)
        var session = self
        for result in [current] + (baseline.map { [$0] } ?? []) {
            for benchmark in result.benchmarks {
                session.knownBenchmarks.insert(benchmark.id)
                for metric in benchmark.metrics { session.knownMetrics.insert(metric.name) }
            }
        }
        let configuration = try session.configuration(base: base)
        return Comparator(configuration: configuration, mode: mode, screening: screening)
            .compare(baseline: baseline, current: current, baselineSource: baselineSource, currentSource: currentSource, notes: notes)
    }

    /// Refuses a baseline of another scenario or machine unless the policy allows it (then says
    /// so), and notes a debug build or a dirty tree.
    func comparabilityNotes(current: ResultFile, currentSource: String, baseline: ResultFile?, baselineSource: String) throws -> [String] {
        var notes: [String] = []
        if let baseline, baseline.run.scenario != current.run.scenario {
            guard policy.allowCrossScenario else {
                throw PerfgateError.badInput(
                    file: baselineSource, field: "run.scenario",
                    problem: "is \(baseline.run.scenario), but the current run (\(currentSource)) is \(current.run.scenario)",
                    fix: "Compare runs of one scenario (their volumes and rounds differ), update the baseline with a "
                        + "\(current.run.scenario) run, or pass --allow-cross-scenario")
            }
            notes.append(
                "cross-scenario comparison: baseline \(baseline.run.scenario), current \(current.run.scenario) (--allow-cross-scenario)")
        }
        if let baseline, !baseline.run.machine.isUnknown, !current.run.machine.isUnknown,
            baseline.run.machine.profile != current.run.machine.profile
        {
            guard policy.allowCrossMachine else {
                throw PerfgateError(
                    .usage,
                    "the baseline was measured on profile \(baseline.run.machine.profile) (\(baseline.run.machine.cpuModel)) "
                        + "and this run on \(current.run.machine.profile) (\(current.run.machine.cpuModel)); timings across machines "
                        + "differ by more than the regressions the gate looks for. Use a baseline of this profile "
                        + "(perfgate baseline update --profile \(current.run.machine.profile)), or pass --allow-cross-machine")
            }
            notes.append("cross-machine comparison: baseline on \(baseline.run.machine.profile), current on \(current.run.machine.profile)")
        }
        if current.run.buildConfiguration == "debug" {
            notes.append("the current run is a debug build: its timings are not representative")
        }
        if current.run.dirty { notes.append("the current run was measured with uncommitted changes") }
        return notes
    }

    /// A pull request that edits its own gate (baselines or `perfgate.json`) is judged by the base
    /// commit's versions; the note says so.
    func gateEditNotes(base: ObjectID?) -> [String] {
        guard let base, let repository, let head = try? repository.resolve(environment.github.pullRequestHead ?? "HEAD") else { return [] }
        let changed = ((try? repository.changedPaths(from: base, to: head)) ?? []).filter {
            $0.hasPrefix("baselines/") || $0 == "perfgate.json"
        }
        guard !changed.isEmpty else { return [] }
        return [
            "this change edits \(changed.joined(separator: ", ")); the gate used the base commit's version, "
                + "so a pull request cannot loosen its own gate. The new version applies once merged"
        ]
    }

    /// Recorded history of the report's most interesting metrics (regressions first, then the
    /// largest changes), with the range of each commit's rounds, change points, the baseline and
    /// tolerance, for the HTML trend charts; each links to its dashboard page when `historyURL` is
    /// set. Empty outside git or without notes.
    public func historySeries(for report: GateReport, historyURL: String? = nil) -> [HistorySeries] {
        guard let repository, let history = try? HistoryLoader.load(repository: repository, ref: "HEAD", limit: 60) else { return [] }
        let detector = PenalizedSegmentation()
        return report.sortedComparisons.filter { $0.verdict != .notGated && $0.verdict != .unavailable }.prefix(40).compactMap { c in
            let key = ResultHistory.SeriesKey(benchmark: c.benchmark, metric: c.metric, unit: c.unit, direction: c.direction)
            let rounds = history.rounds(key)
            guard rounds.count >= 3 else { return nil }
            let points = rounds.map { (commit: $0.commit, value: Quantile.median($0.samples) ?? 0) }
            return HistorySeries(
                benchmark: c.benchmark, metric: c.metric, unit: c.unit, points: points,
                changePoints: detector.detect(rounds.map(\.samples)),
                spread: rounds.map { ($0.samples.min() ?? 0)...($0.samples.max() ?? 0) }, baseline: c.baselineMedian,
                tolerance: c.tolerance, link: historyURL.map { HistoryDashboard.link(root: $0, benchmark: c.benchmark, metric: c.metric) })
        }.prefix(12).map { $0 }
    }
}
