import ArgumentParser
import PerfgateCore

@main
struct Perfgate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "perfgate",
        abstract: "Stop performance regressions before they merge.",
        discussion: """
        perfgate runs the Kaelix WAL benchmark suite, records results in git notes keyed by commit, \
        compares them with the baselines committed under baselines/ using statistical change \
        detection, and fails the build when an absolute target or prior performance regresses.

        Exit codes:
          0  pass (improvements included, unless --fail-on-improvement)
          1  a regression or a failed target
          2  bad input or usage
          3  no baseline for this profile and scenario (unless --allow-missing-baseline)
          4  inconclusive, only with --strict
        """,
        subcommands: [CheckCommand.self, RunCommand.self, CompareCommand.self, BaselineCommand.self, ReportCommand.self, RecordCommand.self,
                      HistoryCommand.self, NotesCommand.self, CalibrateCommand.self, ListCommand.self, RoundCommand.self,
                      NotesStressCommand.self, EvidenceCommand.self])
}

/// Runs `body`, turning a ``PerfgateError`` into its message on stderr and its exit code.
func withExitCodes(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as PerfgateError {
        Terminal.error(error.message)
        throw ExitCode(error.exitCode)
    }
}
