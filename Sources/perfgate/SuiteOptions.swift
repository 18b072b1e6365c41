import ArgumentParser
import WALBenchmarks

/// What to run of the suite: shared by `run` and `check`.
struct SuiteOptions: ParsableArguments {
    @Option(help: "The scenario: \(Scenario.allCases.filter { $0 != .smoke }.map { "\($0.rawValue) (\($0.summary))" }.joined(separator: "; ")).")
    var scenario: Scenario = .ci

    @Option(name: .customLong("filter"), help: "Only benchmarks whose id matches this glob (repeatable), e.g. 'wal.append.*'.")
    var filters: [String] = []

    @Option(help: "Directory for the temporary WALs (default: .perfgate/ under the current directory).")
    var dir: String?

    @Option(help: "Rounds per benchmark, overriding the scenario's.")
    var rounds: Int?
}
