import Foundation
import PerfgateCore
import PerfgateGit
import WALBenchmarks

/// `perfgate compare --against REF`: base and head built in release and run in interleaved ABBA
/// rounds on this machine, analysed as pairs, with rounds added while metrics are inconclusive
/// until every gated metric is decided or the time budget is spent.
struct PairedCompare {
    var gate: GateOptions
    var scenario: Scenario
    var options: PairedOptions

    func run() throws {
        let against = options.against, filters = options.filters, budgetSeconds = options.budget.seconds
        let initialPairs = options.initialPairs, step = options.step, maxPairs = options.maxPairs
        let baseBinary = options.baseBinary, headBinary = options.headBinary, headSlowdown = options.headSlowdown
        let repository = try GitContext.repository()
        let base: ObjectID
        do {
            base = try against.map { try repository.resolve($0) } ?? repository.mergeBaseWithDefaultBranch()
        } catch { throw PerfgateError(.environment, "\(error)") }
        let root = repository.workdir ?? FileManager.default.currentDirectoryPath
        var notes: [String] = []
        // Builds.
        let baseSide: String
        if let baseBinary {
            baseSide = baseBinary
        } else {
            Terminal.note("building the base revision \(base.hex.prefix(12)) in release (cached by commit)…")
            let built = try RevisionBuilder(cacheDirectory: root + ".perfgate/ab").binary(for: base, repository: repository)
            baseSide = built.binary
            notes.append(built.cached ? "base build \(base.hex.prefix(12)) reused from the cache"
                                      : String(format: "base build %@ took %.0f s (cached for next time)", String(base.hex.prefix(12)), built.seconds))
        }
        let headSide: String
        if let headBinary {
            headSide = headBinary
        } else {
            Terminal.note("building the work tree in release…")
            let started = Date()
            headSide = try RevisionBuilder.build(packagePath: root, scratchPath: nil, what: "the work tree")
            notes.append(String(format: "head build took %.0f s", Date().timeIntervalSince(started)))
        }
        // Measurement.
        var options = SuiteRunner.Options(scenario: scenario, workDirectory: root + ".perfgate/ab-run", executable: headSide)
        options.filters = filters
        let benchmarks = try SuiteRunner(options: options).selectedBenchmarks()
        try? FileManager.default.createDirectory(atPath: options.workDirectory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: options.workDirectory) }
        var headEnvironment: [String: String] = [:]
        if let headSlowdown { headEnvironment["PERFGATE_INJECT_SLOWDOWN"] = headSlowdown }
        let session = PairedSession(scenario: scenario, benchmarks: benchmarks,
                                    a: .init(label: "base", executable: baseSide),
                                    b: .init(label: "head", executable: headSide, environment: headEnvironment),
                                    workDirectory: options.workDirectory, seed: 1)
        let runner = GateRunner(options: gate, scenario: scenario.rawValue)
        var known = BenchmarkCatalog.allIDs
        benchmarks.forEach { known.insert($0.id) }
        let configuration = try runner.configuration(base: base, known: known)
        let schedule = PairedAnalysis.lookSchedule(initial: initialPairs, step: step, maximum: maxPairs)
        let analysis = PairedAnalysis(configuration: configuration, plannedLooks: schedule.count)
        let identity = try? repository.identity()
        let machine = MachineProbe.fingerprint(directory: options.workDirectory)
        func results(_ side: [BenchmarkResult], commit: String?, label: String) -> ResultFile {
            ResultFile(run: RunMetadata(scenario: scenario.rawValue, commit: commit, dirty: label == "head" && (identity?.dirty ?? false),
                                        branch: nil, startedAt: Date(), finishedAt: Date(), toolchain: BuildInfo.toolchain,
                                        buildConfiguration: "release", machine: machine, rounds: session.pairs), benchmarks: side)
        }
        let started = Date()
        var look = 0
        var report: GateReport
        var decided: [String: MetricComparison] = [:]
        var stopReason = ""
        Terminal.note("paired A/B: \(benchmarks.count) benchmarks, base \(base.hex.prefix(12)) against the work tree, looks at "
                      + schedule.map(String.init).joined(separator: ", ") + " pairs, budget \(Int(budgetSeconds)) s")
        repeat {
            try session.runPairs(schedule[look] - session.pairs) { pair, benchmark in
                if Terminal.stderrIsTerminal {
                    Terminal.progress("pair \(pair + 1): \(benchmark)  \(Terminal.duration(Date().timeIntervalSince(started))) elapsed")
                }
            }
            look += 1
            let (a, b) = session.results()
            report = analysis.compare(base: results(a, commit: base.hex, label: "base"), head: results(b, commit: identity?.commit.id, label: "head"),
                                      baseSource: "base \(base.hex.prefix(12)) (built and run here)", headSource: "work tree", notes: notes)
            PairedAnalysis.carryForward(&report, decided: &decided)
            Terminal.progress("look \(look) after \(session.pairs) pairs: \(report.count(.regressed)) regressed, \(report.count(.improved)) improved, "
                              + "\(report.count(.inconclusive)) inconclusive (\(Terminal.duration(Date().timeIntervalSince(started))) elapsed)", final: true)
            if PairedAnalysis.isDecided(report) { stopReason = "every gated metric decided"; break }
            if look == schedule.count { stopReason = "the pair cap (--max-pairs \(maxPairs)) reached"; break }
            let nextCost = session.secondsPerPair * Double(schedule[look] - session.pairs)
            if session.measuredSeconds + nextCost > budgetSeconds {
                stopReason = String(format: "the next look (%d pairs, about %.0f s more) would pass the %.0f s budget", schedule[look], nextCost, budgetSeconds)
                break
            }
        } while true
        let undecided = report.count(.inconclusive)
        report.notes.append(String(format: "%d pairs of rounds in %.0f s of measurement over %d of %d planned looks, each at α/%d = %@; stopped: %@%@",
                                   session.pairs, session.measuredSeconds, look, schedule.count, schedule.count,
                                   Format.pValue(analysis.alphaPerLook), stopReason,
                                   undecided > 0 ? "; \(undecided) undecided metric(s) are reported inconclusive with the interval reached" : ""))
        try runner.emit(report)
    }
}
