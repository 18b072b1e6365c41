import ArgumentParser
import Foundation
import PerfgateCore
import PerfgateGit
import PerfgateSession

struct RecordCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record",
        abstract: "Record a result file in the git note of the commit it measured (refs/notes/perfgate).",
        discussion: """
            A note holds one line per run; recording the same run twice changes nothing. Share notes \
            with `perfgate notes sync`. Results measured on a dirty work tree are refused unless \
            --allow-dirty.
            """)

    @Argument(help: "The result file to record (from `perfgate run`).")
    var file: String

    @Flag(help: "Record a result measured with uncommitted changes (it stays marked dirty).")
    var allowDirty = false

    @Option(
        help: ArgumentHelp(
            "Record on this commit instead of the one the result names (for a result from another clone or harness).",
            valueName: "rev"))
    var commit: String?

    @OptionGroup var input: InputFormatOptions

    func run() throws {
        try withExitCodes {
            let repository = try GitRecording.repository()
            var result = try input.load(file)
            if let commit {
                do { result.run.commit = try repository.resolve(commit).hex } catch {
                    throw PerfgateError(.usage, "--commit \(commit) is not a commit of this repository (\(error))")
                }
            } else if result.run.commit == nil {
                try GitRecording.stamp(&result, repository: repository, github: SessionEnvironment.current().github)
            }
            try GitRecording.record(result, repository: repository, allowDirty: allowDirty, source: file)
            print("recorded run \(result.run.runID.prefix(8)) on \(result.run.commit!.prefix(12)) in \(GitNotesStore.defaultRef)")
        }
    }
}

/// `--input-format`: how to read a results file (`--format` stays the report's output format).
struct InputFormatOptions: ParsableArguments {
    @Option(name: .customLong("input-format"), help: "Format of the results read in; auto detects it and says which it chose.")
    var inputFormat: InputFormat = .auto

    func load(_ path: String) throws -> ResultFile {
        try inputFormat.load(path) { detected in
            if detected != .perfgate {
                Terminal.note("reading \(path) as \(detected.rawValue) output (detected; --input-format overrides)")
            }
        }
    }
}
