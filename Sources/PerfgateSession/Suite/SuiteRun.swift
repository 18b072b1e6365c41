import Foundation
import PerfgateCore
import WALBenchmarks

/// One run of the WAL suite, as `perfgate run` and `perfgate check` do it: a fresh WAL directory,
/// every round in a child process of `executable`, and a result file with the machine, the build
/// and the score (no git metadata: ``GitRecording/stamp(_:repository:github:)`` adds it).
public struct SuiteRun {
    public var scenario: Scenario
    public var filters: [String] = []
    /// This runner's share of a sharded run (``ShardPlan``), recorded in the result.
    public var shard: Shard?
    /// Where the temporary WAL directories go (default: `.perfgate/` under the current directory).
    public var directory: String?
    /// Rounds per benchmark, overriding the scenario's.
    public var rounds: Int?
    public var seed: UInt64 = 1
    /// The machine profile to record (default: derived from the CPU).
    public var profile: String?
    /// The `perfgate` binary that runs the rounds (``RoundInvocation``).
    public var executable: String

    /// A run of `scenario` whose rounds `executable` runs; the other settings keep their defaults.
    public init(scenario: Scenario, executable: String) {
        self.scenario = scenario
        self.executable = executable
    }

    /// Runs the suite; `note` gets the opening lines and warnings, `progress` the progress lines
    /// (with whether the line is final).
    /// - Throws: ``PerfgateError`` when the directory cannot be made or a round fails.
    public func run(note: (String) -> Void, progress: (SuiteRunner.Progress) -> Void) throws -> ResultFile {
        let runID = UUID().uuidString.lowercased()
        let parent = directory ?? FileManager.default.currentDirectoryPath + "/.perfgate"
        let work = parent + "/wal-\(runID.prefix(8))"
        do { try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true) } catch {
            throw PerfgateError(
                .environment,
                "cannot create the WAL directory \(work): \((error as NSError).localizedDescription). "
                    + "Pass --dir with a writable directory")
        }
        defer { try? FileManager.default.removeItem(atPath: work) }
        var options = SuiteRunner.Options(scenario: scenario, workDirectory: work, executable: executable)
        options.filters = filters
        options.shard = shard
        options.rounds = rounds
        options.seed = seed
        options.countInstructions = scenario != .quick
        let runner = SuiteRunner(options: options)
        let started = Date()
        let machine = MachineProbe.fingerprint(directory: work, profile: profile)
        let total = try runner.selectedBenchmarks().count * (rounds ?? scenario.rounds)
        note(
            "perfgate run: \(scenario.rawValue) scenario" + (shard.map { ", shard \($0.label) of group \($0.group)" } ?? "")
                + ", \(total) rounds on \(machine.cpuModel) (\(machine.cores) cores, \(machine.filesystem)), "
                + "\(BuildInfo.configuration) build")
        if BuildInfo.configuration != "release" {
            note("warning: this is a debug build; its timings are not fit for gating (build with `swift build -c release`)")
        }
        let benchmarks = try runner.run(progress: progress)
        var metadata = RunMetadata(
            runID: runID, scenario: scenario.rawValue, startedAt: started, finishedAt: Date(),
            toolchain: BuildInfo.toolchain, buildConfiguration: BuildInfo.configuration,
            machine: machine, rounds: rounds ?? scenario.rounds)
        metadata.filters = filters.isEmpty ? nil : filters
        metadata.shard = shard
        // A shard's score would rate part of the suite as if it were all of it.
        return ResultFile(run: metadata, benchmarks: benchmarks, score: shard == nil ? SuiteScore.score(benchmarks) : nil)
    }
}
