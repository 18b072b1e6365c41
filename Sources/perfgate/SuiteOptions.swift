import ArgumentParser
import WALBenchmarks

/// What to run of the suite: shared by `run` and `check`.
struct SuiteOptions: ParsableArguments {
    @Option(help: "The scenario: how much of the suite runs, and how many rounds.")
    var scenario: Scenario = .ci

    @Option(name: .customLong("filter"), help: ArgumentHelp("Only benchmarks whose id matches this glob (repeatable), e.g. 'wal.append.*'.",
                                                            valueName: "glob"))
    var filters: [String] = []

    @Option(help: ArgumentHelp("Directory for the temporary WALs (default: .perfgate/ under the current directory).", valueName: "dir"))
    var dir: String?

    @Option(help: ArgumentHelp("Rounds per benchmark (at least 2), overriding the scenario's.", valueName: "n"))
    var rounds: Int?

    func validate() throws {
        if let rounds, rounds < 2 {
            throw ValidationError("--rounds \(rounds): a benchmark needs at least 2 rounds to be compared (each round is one sample)")
        }
    }
}
