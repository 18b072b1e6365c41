import ArgumentParser
import Foundation
import PerfgateCore
import WALBenchmarks

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
            \(ExitStatus.helpText)
            """,
        version: BuildInfo.versionLine,
        subcommands: [
            CheckCommand.self, RunCommand.self, CompareCommand.self, JudgeCommand.self, BaselineCommand.self, ReportCommand.self,
            RecordCommand.self,
            HistoryCommand.self, NotesCommand.self, CalibrateCommand.self, ListCommand.self, RoundCommand.self,
            NotesStressCommand.self, EvidenceCommand.self, ChangePointsCommand.self,
        ])

    /// Parses and runs like `ParsableCommand.main()`, except that every usage error (an unknown
    /// flag, a value that does not parse, a failed `validate()`) exits 2, as documented, rather
    /// than argument-parser's 64.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(ExitStatus.badInput.rawValue)
            }
            exit(withError: error)
        }
    }
}

/// Runs `body`, turning a ``PerfgateError`` into its message on stderr and its exit code. Any
/// other error (one a library did not translate) is exit 2 with its description, never the exit
/// 1 that means "regressed".
func withExitCodes(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as PerfgateError {
        Terminal.error(error.message)
        throw ExitCode(error.exitStatus.rawValue)
    } catch let exit as ExitCode {
        throw exit
    } catch let exit as CleanExit {
        throw exit
    } catch {
        Terminal.error("\(error)")
        throw ExitCode(ExitStatus.badInput.rawValue)
    }
}
