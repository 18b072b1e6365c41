import ArgumentParser
import Foundation
import PerfgateCore
import PerfgateGit
import PerfgateSession
import PerfgateSupport

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

    @Option(help: "Record this result file on every commit instead of a stub line (scale measurements of `history`).")
    var result: String?

    @Option(help: "With --result: from the Nth line on, scale every sample by 1 + --step (a level shift to find).")
    var stepAt: Int?

    @Option(help: "With --step-at: the relative size of the shift.")
    var step = 0.1

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
            let template = try result.map { try ResultFile.load(path: $0) }
            var rng = SplitMix64(seed: 1)
            for i in 0..<count {
                var line = "{\"run\":{\"runID\":\"\(tag)-\(i)\"},\"stress\":true}"
                if var recorded = template {
                    recorded.run.runID = "\(tag)-\(i)"
                    let factor = (stepAt.map { i >= $0 } ?? false) ? 1 + step : 1
                    let session = 1 + 0.01 * (Double(rng.next() % 2001) / 1000 - 1)
                    for b in recorded.benchmarks.indices {
                        for m in recorded.benchmarks[b].metrics.indices {
                            recorded.benchmarks[b].metrics[m].samples = recorded.benchmarks[b].metrics[m].samples.map {
                                $0 * factor * session
                            }
                        }
                    }
                    line = try NoteLine.encode(recorded)
                }
                let started = DispatchTime.now().uptimeNanoseconds
                do { try store.append(line: line, to: targets[i % targets.count]) } catch {
                    throw PerfgateError(.environment, "\(error)")
                }
                if time { print((DispatchTime.now().uptimeNanoseconds - started) / 1000) }
            }
        }
    }
}
