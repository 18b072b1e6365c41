import ArgumentParser
import PerfgateCore
import PerfgateSession
import WALBenchmarks

/// What to run of the suite: shared by `run` and `check`.
struct SuiteOptions: ParsableArguments {
    @Option(help: "The scenario: how much of the suite runs, and how many rounds.")
    var scenario: Scenario = .ci

    @Option(
        name: .customLong("filter"),
        help: ArgumentHelp(
            "Only benchmarks whose id matches this glob (repeatable), e.g. 'wal.append.*'.",
            valueName: "glob"))
    var filters: [String] = []

    @Option(help: ArgumentHelp("Directory for the temporary WALs (default: .perfgate/ under the current directory).", valueName: "dir"))
    var dir: String?

    @Option(help: ArgumentHelp("Rounds per benchmark (at least 2), overriding the scenario's.", valueName: "n"))
    var rounds: Int?

    /// Runs the suite these options select (`shard`'s share of it, when given), with progress on standard error.
    func run(seed: UInt64 = 1, profile: String?, shard: Shard? = nil) throws -> ResultFile {
        var run = SuiteRun(scenario: scenario, executable: Terminal.executablePath)
        run.filters = filters
        run.shard = shard
        run.directory = dir
        run.rounds = rounds
        run.seed = seed
        run.profile = profile
        var step = 0
        return try run.run(note: Terminal.note) { progress in
            if step == 0 { step = max(1, progress.total / 20) }
            let line =
                "[\(progress.completed)/\(progress.total)] \(progress.benchmark)  \(Terminal.duration(progress.elapsedSeconds)) elapsed, "
                + "~\(Terminal.duration(progress.estimatedRemainingSeconds)) left"
            if Terminal.stderrIsTerminal || progress.completed % step == 0 || progress.completed == progress.total {
                Terminal.progress(line, final: progress.completed == progress.total)
            }
        }
    }

    func validate() throws {
        if let rounds, rounds < 2 {
            throw ValidationError("--rounds \(rounds): a benchmark needs at least 2 rounds to be compared (each round is one sample)")
        }
    }
}
