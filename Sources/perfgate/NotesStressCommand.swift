import ArgumentParser
import Foundation
import PerfgateCore
import PerfgateGit
import PerfgateSession

/// Appends many note lines from one process: the concurrency tests run two of these at once, and
/// scripts/notes_scale.sh uses `--time` to measure recording cost as notes accumulate.
struct NotesStressCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "_notes-stress", abstract: "Append test lines to notes (tests and scale measurements).", shouldDisplay: false)

    @Option(help: "Commits to annotate (hex ids); lines go round-robin over them.")
    var commit: [String] = []

    @Option(help: "Annotate the first N commits of first-parent history from HEAD instead.")
    var historyCommits: Int?

    @Option(help: "Lines to append.")
    var count = 50

    @Option(help: "A tag that makes this process's lines distinct.")
    var tag = "p"

    @Flag(help: "Print the time of each append in microseconds.")
    var time = false

    func run() throws {
        try withExitCodes {
            let repository = try GitRecording.repository()
            var targets = commit.compactMap { ObjectID(hex: $0) }
            if let historyCommits {
                do {
                    let head = try repository.resolve("HEAD")
                    targets = try repository.firstParentHistory(from: head, limit: historyCommits).commits.compactMap {
                        ObjectID(hex: $0.id)
                    }
                } catch { throw PerfgateError(.environment, "\(error)") }
            }
            guard !targets.isEmpty else { throw PerfgateError(.usage, "pass --commit or --history-commits") }
            let store = GitNotesStore(repository: repository, key: NoteLine.runID)
            for i in 0..<count {
                let line = "{\"run\":{\"runID\":\"\(tag)-\(i)\"},\"stress\":true}"
                let started = DispatchTime.now().uptimeNanoseconds
                do { try store.append(line: line, to: targets[i % targets.count]) } catch {
                    throw PerfgateError(.environment, "\(error)")
                }
                if time { print((DispatchTime.now().uptimeNanoseconds - started) / 1000) }
            }
        }
    }
}
