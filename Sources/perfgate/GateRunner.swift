import ArgumentParser
import Foundation
import PerfgateCore
import PerfgateGit
import WALBenchmarks

/// The steps `compare` and `check` share: find the baseline and configuration (from the PR's base
/// commit when there is one), compare, render, annotate, and turn the outcome into an exit code.
struct GateRunner {
    var options: GateOptions
    var scenario: String
    /// The repository around the current directory, opened once; nil outside git.
    let repository: GitRepository?
    /// The repository root (or the current directory outside git), with a trailing slash.
    let root: String

    init(options: GateOptions, scenario: String) {
        self.options = options
        self.scenario = scenario
        repository = try? GitRepository.discover()
        root = repository?.workdir ?? (FileManager.default.currentDirectoryPath + "/")
    }

    /// The base commit whose baselines and configuration apply: the PR's base on GitHub, or `baseRef`.
    func baseCommit(baseRef: String?) throws -> ObjectID? {
        guard let repository else { return nil }
        let revision = baseRef ?? GitHubContext().pullRequestBase
        guard let revision else { return nil }
        do { return try repository.resolve(revision) } catch {
            throw PerfgateError(.environment, "\(error). The base commit must be fetched (actions/checkout with fetch-depth: 0)")
        }
    }

    /// Reads a repository file at the base commit (when there is one) or from the work tree.
    func readRepositoryFile(_ relative: String, base: ObjectID?) throws -> (data: Data, source: String)? {
        if let base, let repository {
            do {
                guard let data = try repository.fileContents(relative, at: base) else { return nil }
                return (data, "\(relative) at \(base.hex.prefix(12))")
            } catch { throw PerfgateError(.environment, "\(error)") }
        }
        let path = root + relative
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return (data, relative)
    }

    /// The configuration: --config, else perfgate.json (at the base commit in a PR), else defaults.
    /// `known` and `knownMetrics`: the benchmark ids and metric names its patterns and names must match.
    func configuration(base: ObjectID?, known: Set<String>, knownMetrics: Set<String> = BenchmarkCatalog.allMetricNames) throws -> GateConfiguration {
        var configuration: GateConfiguration
        if let path = options.config {
            configuration = try GateConfiguration.load(path: path, knownBenchmarks: known, knownMetrics: knownMetrics)
        } else if let (data, source) = try readRepositoryFile("perfgate.json", base: base) {
            configuration = try GateConfiguration.decode(data, source: source, knownBenchmarks: known, knownMetrics: knownMetrics)
        } else {
            configuration = GateConfiguration()
        }
        if let tolerance = options.tolerance { configuration.gate.tolerance = tolerance }
        return configuration
    }

    /// Loads a result given as a file path, or as a git revision whose note holds a run of `scenario`.
    static func loadResult(_ argument: String, scenario: String, input: InputFormatOptions) throws -> (ResultFile, String) {
        if FileManager.default.fileExists(atPath: argument) { return (try input.load(argument), argument) }
        guard let repository = try? GitRepository.discover(), let commit = try? repository.resolve(argument) else {
            throw PerfgateError.badInput(file: argument, field: nil, problem: "is neither a file nor a git revision",
                                         fix: "Pass a result file (perfgate run --output) or a commit with recorded results")
        }
        let store = GitNotesStore(repository: repository, key: NoteLine.runID)
        let lines: [String]
        do { lines = try store.lines(for: commit) } catch { throw PerfgateError(.environment, "\(error)") }
        var decoded: [ResultFile] = []
        var unreadable: [(line: Int, problem: PerfgateError)] = []
        for (i, line) in lines.enumerated() {
            switch NoteLine.decode(line, commit: commit.hex) {
            case let .success(result): decoded.append(result)
            case let .failure(problem): unreadable.append((i + 1, problem))
            }
        }
        let runs = decoded.filter { $0.run.scenario == scenario }
        guard let latest = runs.max(by: { $0.run.finishedAt < $1.run.finishedAt }) else {
            if let first = unreadable.first {
                throw PerfgateError.badInput(
                    file: "the note on \(commit.hex.prefix(12)) (\(argument)) in \(GitNotesStore.defaultRef)", field: "line \(first.line)",
                    problem: "is not a perfgate result this version can read (\(unreadable.count) of \(lines.count) line(s) unreadable; the first: "
                        + "\(first.problem.message))",
                    fix: "Inspect it with `git notes --ref=perfgate show \(commit.hex.prefix(12))`; record a run again, or remove the note")
            }
            let others = Set(decoded.map(\.run.scenario)).sorted()
            throw PerfgateError(.noBaseline, "\(argument) (\(commit.hex.prefix(12))) has no recorded \(scenario) run in refs/notes/perfgate"
                                + (others.isEmpty ? "" : " (it has \(others.joined(separator: ", ")) runs: pass --scenario)") + ". "
                                + "Fetch notes (git fetch origin refs/notes/perfgate:refs/notes/perfgate) or record one")
        }
        return (latest, "run \(latest.run.runID.prefix(8)) noted on \(commit.hex.prefix(12))")
    }

    /// Compares, renders, annotates and exits with the gate's code.
    func gate(current: ResultFile, currentSource: String, baselineArgument: String?, baseRef: String?,
              input: InputFormatOptions, mode: GateReport.Mode = .storedBaseline, extraNotes: [String] = []) throws {
        let base = try baseCommit(baseRef: baseRef)
        var notes = extraNotes
        var known = BenchmarkCatalog.allIDs
        current.benchmarks.forEach { known.insert($0.id) }
        // The baseline.
        var baseline: ResultFile?
        var baselineSource = "none"
        let profile = options.profile ?? current.run.machine.profile
        if let baselineArgument {
            (baseline, baselineSource) = try Self.loadResult(baselineArgument, scenario: current.run.scenario, input: input)
        } else {
            let relative = BaselineStore.relativePath(profile: profile, scenario: current.run.scenario)
            if let (data, source) = try readRepositoryFile(relative, base: base) {
                baseline = try ResultFile.decode(data, source: source)
                baselineSource = source
            } else {
                baselineSource = "\(relative) (missing)"
                notes.append("no baseline \(relative)" + (base.map { " at \($0.hex.prefix(12))" } ?? "")
                             + ": create one on the default branch with `perfgate baseline update --reason \"first baseline\"`")
            }
        }
        baseline?.benchmarks.forEach { known.insert($0.id) }
        if let baseline, baseline.run.scenario != current.run.scenario {
            guard options.allowCrossScenario else {
                throw PerfgateError.badInput(file: baselineSource, field: "run.scenario",
                                             problem: "is \(baseline.run.scenario), but the current run (\(currentSource)) is \(current.run.scenario)",
                                             fix: "Compare runs of one scenario (their volumes and rounds differ), update the baseline with a "
                                                 + "\(current.run.scenario) run, or pass --allow-cross-scenario")
            }
            notes.append("cross-scenario comparison: baseline \(baseline.run.scenario), current \(current.run.scenario) (--allow-cross-scenario)")
        }
        if let baseline, !baseline.run.machine.isUnknown, !current.run.machine.isUnknown,
           baseline.run.machine.profile != current.run.machine.profile {
            guard options.allowCrossMachine else {
                throw PerfgateError(.usage, "the baseline was measured on profile \(baseline.run.machine.profile) (\(baseline.run.machine.cpuModel)) "
                                    + "and this run on \(current.run.machine.profile) (\(current.run.machine.cpuModel)); timings across machines "
                                    + "differ by more than the regressions the gate looks for. Use a baseline of this profile "
                                    + "(perfgate baseline update --profile \(current.run.machine.profile)), or pass --allow-cross-machine")
            }
            notes.append("cross-machine comparison: baseline on \(baseline.run.machine.profile), current on \(current.run.machine.profile)")
        }
        if current.run.buildConfiguration == "debug" { notes.append("the current run is a debug build: its timings are not representative") }
        if current.run.dirty { notes.append("the current run was measured with uncommitted changes") }
        // A PR that edits its own gate: say so (the base commit's versions were used).
        if let base, let repository, let head = try? repository.resolve(GitHubContext().pullRequestHead ?? "HEAD") {
            let changed = ((try? repository.changedPaths(from: base, to: head)) ?? [])
                .filter { $0.hasPrefix("baselines/") || $0 == "perfgate.json" }
            if !changed.isEmpty {
                notes.append("this change edits \(changed.joined(separator: ", ")); the gate used the base commit's version, "
                             + "so a pull request cannot loosen its own gate. The new version applies once merged")
            }
        }
        var knownMetrics = BenchmarkCatalog.allMetricNames
        for result in [current] + (baseline.map { [$0] } ?? []) {
            for benchmark in result.benchmarks { benchmark.metrics.forEach { knownMetrics.insert($0.name) } }
        }
        let configuration = try configuration(base: base, known: known, knownMetrics: knownMetrics)
        let report = Comparator(configuration: configuration, mode: mode)
            .compare(baseline: baseline, current: current, baselineSource: baselineSource, currentSource: currentSource, notes: notes)
        try emit(report)
    }

    /// Recorded history of the report's most interesting metrics (regressions first, then the
    /// largest changes), with change points, for the HTML trend charts. Empty outside git or without notes.
    func historySeries(for report: GateReport) -> [HistorySeries] {
        guard let repository, let history = try? HistoryLoader.load(repository: repository, ref: "HEAD", limit: 60) else { return [] }
        let detector = ChangePointDetector(maxPValue: 0.001, minMagnitude: 0.05)
        return report.sortedComparisons.filter { $0.verdict != .notGated && $0.verdict != .unavailable }.prefix(40).compactMap { c in
            let key = ResultHistory.SeriesKey(benchmark: c.benchmark, metric: c.metric, unit: c.unit, direction: c.direction)
            let points = history.values(key)
            guard points.count >= 3 else { return nil }
            return HistorySeries(benchmark: c.benchmark, metric: c.metric, unit: c.unit, points: points,
                                 changePoints: detector.detect(points.map(\.value)))
        }.prefix(12).map { $0 }
    }

    /// Renders the report where asked, writes GitHub outputs, and exits with the gate's code.
    func emit(_ report: GateReport) throws {
        let code = report.exitCode(strict: options.strict, failOnImprovement: options.failOnImprovement,
                                   allowMissingBaseline: options.allowMissingBaseline)
        let format = options.format
        let wanted = options.reportDir == nil ? [] : options.reportDirFormats
        let history = format == .html || wanted.contains(.html) ? historySeries(for: report) : []
        let rendered = try format.render(report, colour: options.output == nil && Terminal.stdoutIsTerminal, verbose: options.verbose,
                                         history: history)
        if let output = options.output {
            try AtomicFile.write(Data(rendered.utf8), to: output)
            Terminal.note("wrote the \(format.rawValue) report to \(output)")
        } else {
            print(rendered, terminator: "")
        }
        var paths: [String: String] = [:]
        if let directory = options.reportDir {
            for f in wanted {
                let path = directory + "/" + f.fileName
                try AtomicFile.write(Data(try f.render(report, verbose: true, history: history).utf8), to: path)
                paths[f.rawValue] = path
            }
        }
        if ProcessInfo.processInfo.environment["GITHUB_ACTIONS"] == "true" {
            for line in GitHubActions.annotations(report) { print(line) }
            GitHubActions.write(outputs: GitHubActions.outputs(report, exitCode: code, reportPaths: paths),
                                summary: try ReportFormat.markdown.render(report))
        }
        if code != 0 { throw ExitCode(code) }
    }
}
