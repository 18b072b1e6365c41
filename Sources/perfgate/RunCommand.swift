import ArgumentParser
import Foundation
import PerfgateCore
import WALBenchmarks

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the WAL benchmark suite and write a result file.",
        discussion: """
        Each round of each benchmark runs in a fresh process, and the rounds of all benchmarks are \
        interleaved in a seeded random order, so every benchmark's samples span the whole run. \
        The WAL directories live under --dir (default: .perfgate/ in the current directory, on \
        the file system you are measuring) and are removed afterwards.
        """)

    @OptionGroup var suite: SuiteOptions

    @Option(help: ArgumentHelp("Where to write the result JSON. Default: .perfgate/latest-<scenario>.json.", valueName: "file"))
    var output: String?

    @Option(help: "Seed of the round order (results are reproducible in order, not in timing).")
    var seed: UInt64 = 1

    @Option(help: ArgumentHelp("Machine profile name for baselines (default: derived from the CPU model and cores).", valueName: "name"))
    var profile: String?

    @Flag(help: "Also record the result in the git note of HEAD's commit (refs/notes/perfgate).")
    var record = false

    @Flag(help: "With --record: record even though the work tree has uncommitted changes.")
    var allowDirty = false

    func validate() throws {
        if let profile { try usageCheck { try BaselineStore.checkProfileName(profile, flag: "--profile") } }
    }

    func run() throws {
        try withExitCodes {
            // Check git before spending minutes measuring: --record needs a clean commit.
            let repository = record ? try GitContext.repository() : try? GitContext.repository()
            if record, let repository, !allowDirty, (try? repository.isDirty()) == true {
                throw PerfgateError(.usage, "the work tree has uncommitted changes, so the result would not describe HEAD. "
                                    + "Commit first, or pass --allow-dirty to record it marked dirty")
            }
            var result = try Self.runSuite(scenario: suite.scenario, filters: suite.filters, dir: suite.dir, rounds: suite.rounds,
                                           seed: seed, profile: profile)
            if let repository { try? GitContext.stamp(&result, repository: repository) }
            let path = output ?? ".perfgate/latest-\(suite.scenario.rawValue).json"
            try result.write(to: path)
            SuiteSummary.print(result)
            Terminal.note("wrote \(path)")
            if record, let repository {
                try GitContext.record(result, repository: repository, allowDirty: allowDirty, source: path)
                Terminal.note("recorded run \(result.run.runID.prefix(8)) on \(result.run.commit?.prefix(12) ?? "?") in refs/notes/perfgate")
            }
        }
    }

    /// Runs the suite with progress output and returns the result (without git metadata).
    static func runSuite(scenario: Scenario, filters: [String], dir: String?, rounds: Int?, seed: UInt64,
                         profile: String?) throws -> ResultFile {
        let runID = UUID().uuidString.lowercased()
        let parent = dir ?? FileManager.default.currentDirectoryPath + "/.perfgate"
        let work = parent + "/wal-\(runID.prefix(8))"
        do { try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true) } catch {
            throw PerfgateError(.environment, "cannot create the WAL directory \(work): \((error as NSError).localizedDescription). "
                                + "Pass --dir with a writable directory")
        }
        defer { try? FileManager.default.removeItem(atPath: work) }
        var options = SuiteRunner.Options(scenario: scenario, workDirectory: work, executable: Terminal.executablePath)
        options.filters = filters
        options.rounds = rounds
        options.seed = seed
        let runner = SuiteRunner(options: options)
        let started = Date()
        let machine = MachineProbe.fingerprint(directory: work, profile: profile)
        let total = try runner.selectedBenchmarks().count * (rounds ?? scenario.rounds)
        Terminal.note("perfgate run: \(scenario.rawValue) scenario, \(total) rounds on \(machine.cpuModel) "
                      + "(\(machine.cores) cores, \(machine.filesystem)), \(BuildInfo.configuration) build")
        if BuildInfo.configuration != "release" {
            Terminal.note("warning: this is a debug build; its timings are not fit for gating (build with `swift build -c release`)")
        }
        let step = max(1, total / 20)
        let benchmarks = try runner.run { progress in
            let line = "[\(progress.completed)/\(progress.total)] \(progress.benchmark)  \(Terminal.duration(progress.elapsedSeconds)) elapsed, "
                + "~\(Terminal.duration(progress.estimatedRemainingSeconds)) left"
            if Terminal.stderrIsTerminal || progress.completed % step == 0 || progress.completed == progress.total {
                Terminal.progress(line, final: progress.completed == progress.total)
            }
        }
        let metadata = RunMetadata(runID: runID, scenario: scenario.rawValue, startedAt: started, finishedAt: Date(),
                                   toolchain: BuildInfo.toolchain, buildConfiguration: BuildInfo.configuration,
                                   machine: machine, rounds: rounds ?? scenario.rounds)
        return ResultFile(run: metadata, benchmarks: benchmarks, score: SuiteSummary.score(benchmarks))
    }
}
