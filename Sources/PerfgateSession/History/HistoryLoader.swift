import Foundation
import PerfgateCore
import PerfgateGit

/// Reads first-parent history and the notes along it into a ``ResultHistory``: one walk of the
/// notes tree, then a blob read only for commits that have a note.
public enum HistoryLoader {
    /// The history of `ref`'s first-parent line, `limit` commits deep, with the runs noted on them.
    /// - Throws: ``PerfgateError`` (environment) when git cannot read it.
    public static func load(repository: GitRepository, ref: String, limit: Int) throws -> ResultHistory {
        do {
            let start = try repository.resolve(ref)
            let (commits, endReason) = try repository.firstParentHistory(from: start, limit: limit)
            let store = GitNotesStore(repository: repository, key: NoteLine.runID)
            let notes = try store.allNotes()
            var warnings: [String] = []
            if let endReason { warnings.append(endReason) }
            if notes.isEmpty {
                warnings.append(
                    "no results recorded in \(GitNotesStore.defaultRef)"
                        + (repository.isShallow
                            ? " (a shallow clone has no notes: git fetch origin refs/notes/perfgate:refs/notes/perfgate)"
                            : "; record with `perfgate run --record` or fetch them"))
            }
            var skipped = 0
            var entries: [ResultHistory.Entry] = []
            for commit in commits {
                var results: [ResultFile] = []
                if let blob = notes[commit.id] {
                    for line in try store.readLines(blob) {
                        switch NoteLine.decode(line, commit: commit.id) {
                        case .success(let result): results.append(result)
                        case .failure: skipped += 1
                        }
                    }
                }
                entries.append(.init(commit: commit.id, time: commit.time, summary: commit.summary, results: results))
            }
            if skipped > 0 { warnings.append("skipped \(skipped) note line(s) that are not perfgate results of this schema version") }
            return ResultHistory(entries: entries, warnings: warnings)
        } catch {
            throw PerfgateError(.environment, String(describing: error))
        }
    }
}
