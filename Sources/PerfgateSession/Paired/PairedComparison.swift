import Foundation
import PerfgateCore
import PerfgateGit
import WALBenchmarks

extension PairedSession: PairedRounds {
    public func narrow(to benchmarks: Set<String>) { active = benchmarks }
}

/// `perfgate compare --against REF` from start to report: build the base revision (cached by
/// commit) and the work tree in release, run the selected benchmarks in interleaved ABBA pairs
/// under ``PairedLooks``, and return the paired report. Output goes through the `note` and
/// `progress` closures, so the caller decides where it is shown.
public struct PairedComparison {
    public var scenario: Scenario
    /// The revision to compare against; nil: the merge base with the default branch.
    public var against: String?
    public var filters: [String]
    public var initialPairs: Int
    public var step: Int
    public var maxPairs: Int
    public var budgetSeconds: Double
    /// Prebuilt binaries instead of building (tests, and the gate's own detection runs).
    public var baseBinary: String?
    public var headBinary: String?
    /// A slowdown injected into the head side (``RoundInvocation/slowdownVariable``).
    public var headSlowdown: String?
    /// The metrics (``MetricComparison/id``) whose settling ends the rounds (``PairedLooks/focus``); nil: every gated metric.
    public var focus: Set<String>?
    /// Benchmarks in order of importance, for a look that cannot run them all (``PairedLooks/priority``).
    public var priority: [String] = []
    /// This runner's share of the benchmarks, when a pull request's A/B measurement is sharded.
    public var shard: Shard?
    /// Where to save the measured pairs (`base.json` and `head.json`, samples in pair order) for
    /// `perfgate judge`, which gives the verdict with trusted code; nil: not saved.
    public var measurementsDirectory: String?

    /// A comparison of the work tree with `against` (nil: the merge base) over the benchmarks matching `filters`.
    public init(scenario: Scenario, against: String?, filters: [String], initialPairs: Int, step: Int, maxPairs: Int, budgetSeconds: Double)
    {
        self.scenario = scenario
        self.against = against
        self.filters = filters
        self.initialPairs = initialPairs
        self.step = step
        self.maxPairs = maxPairs
        self.budgetSeconds = budgetSeconds
    }

    /// Builds, measures and analyses; `session` supplies the repository and the configuration.
    /// - Throws: ``PerfgateError`` (environment) when a build fails or git cannot resolve the base:
    ///   a comparison that cannot be made is never a pass.
    public func run(session: GateSession, note: (String) -> Void, progress: (String, Bool) -> Void) throws -> GateReport {
        guard let repository = session.repository else {
            throw PerfgateError(
                .environment, "--against needs a git repository: run it inside the clone whose work tree you want to measure")
        }
        let base: ObjectID
        do {
            base = try against.map { try repository.resolve($0) } ?? repository.mergeBaseWithDefaultBranch()
        } catch let error as GitError { throw PerfgateError.environment(error) }
        let root = session.root
        var notes: [String] = []
        let baseSide: String
        if let baseBinary {
            baseSide = baseBinary
        } else {
            note("building the base revision \(base.hex.prefix(12)) in release (cached by commit)…")
            let built = try RevisionBuilder(cacheDirectory: root + ".perfgate/ab").binary(for: base, repository: repository)
            baseSide = built.binary
            notes.append(
                built.cached
                    ? "base build \(base.hex.prefix(12)) reused from the cache"
                    : String(format: "base build %@ took %.0f s (cached for next time)", String(base.hex.prefix(12)), built.seconds))
        }
        let headSide: String
        if let headBinary {
            headSide = headBinary
        } else {
            note("building the work tree in release…")
            let started = Date()
            headSide = try RevisionBuilder.build(packagePath: root, scratchPath: nil, what: "the work tree")
            notes.append(String(format: "head build took %.0f s", Date().timeIntervalSince(started)))
        }
        var options = SuiteRunner.Options(scenario: scenario, workDirectory: root + ".perfgate/ab-run", executable: headSide)
        options.shard = shard
        options.filters = filters
        let benchmarks = try SuiteRunner(options: options).selectedBenchmarks()
        try? FileManager.default.createDirectory(atPath: options.workDirectory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: options.workDirectory) }
        // Both sides set the slowdown variable, so that neither inherits one from this process;
        // each round gets it only when it slows that round's benchmark (`Slowdown.childValue`),
        // so every other benchmark runs in alike environments on both sides.
        let headValue = headSlowdown ?? ""
        let pairedSession = PairedSession(
            scenario: scenario, benchmarks: benchmarks,
            a: .init(label: "base", executable: baseSide, environment: [RoundInvocation.slowdownVariable: ""]),
            b: .init(label: "head", executable: headSide, environment: [RoundInvocation.slowdownVariable: headValue]),
            workDirectory: options.workDirectory, seed: 1)
        var configured = session
        configured.knownBenchmarks.formUnion(benchmarks.map(\.id))
        var looks = PairedLooks(
            configuration: try configured.configuration(base: base), initialPairs: initialPairs, step: step,
            maxPairs: maxPairs, budgetSeconds: budgetSeconds)
        looks.focus = focus
        looks.priority = priority
        let identity = try? repository.identity()
        let machine = MachineProbe.fingerprint(directory: options.workDirectory)
        func results(_ side: [BenchmarkResult], commit: String?, head: Bool) -> ResultFile {
            var run = RunMetadata(
                scenario: scenario.rawValue, commit: commit, dirty: head && (identity?.dirty ?? false),
                branch: nil, startedAt: Date(), finishedAt: Date(), toolchain: BuildInfo.toolchain,
                buildConfiguration: "release", machine: machine, rounds: pairedSession.pairs)
            run.filters = filters.isEmpty ? nil : filters
            run.shard = shard
            return ResultFile(run: run, benchmarks: side)
        }
        let started = Date()
        note(
            "paired A/B: \(benchmarks.count) benchmarks, base \(base.hex.prefix(12)) against the work tree, looks at "
                + looks.schedule.map(String.init).joined(separator: ", ") + " pairs, budget \(Int(budgetSeconds)) s")
        let outcome = try looks.run(
            pairedSession,
            progress: { pair, benchmark in
                progress("pair \(pair + 1): \(benchmark)  \(Self.clock(Date().timeIntervalSince(started))) elapsed", false)
            },
            report: { look, a, b in
                looks.analysis.compare(
                    base: results(a, commit: base.hex, head: false), head: results(b, commit: identity?.commit.id, head: true),
                    baseSource: "base \(base.hex.prefix(12)) (built and run here)", headSource: "work tree", look: look, notes: notes)
            },
            onLook: { look, report in
                progress(
                    "look \(look) after \(pairedSession.pairs) pairs: \(report.count(.regressed)) regressed, "
                        + "\(report.count(.improved)) improved, "
                        + "\(report.count(.inconclusive)) inconclusive (\(Self.clock(Date().timeIntervalSince(started))) elapsed)", true)
            })
        if let directory = measurementsDirectory {
            let (a, b) = pairedSession.results()
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try results(a, commit: base.hex, head: false).write(to: directory + "/" + PairedJudge.baseFile)
            try results(b, commit: identity?.commit.id, head: true).write(to: directory + "/" + PairedJudge.headFile)
            note("saved the measured pairs in \(directory)/ for `perfgate judge`")
        }
        return outcome.report
    }

    /// `m:ss`.
    static func clock(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return String(format: "%d:%02d", s / 60, s % 60)
    }
}
