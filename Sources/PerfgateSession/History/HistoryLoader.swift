import Foundation
import PerfgateCore
import PerfgateGit
import PerfgateSupport

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
            // Blobs are read in order (libgit2), then the lines decoded on every core: decoding the
            // JSON of thousands of runs is most of the cost of a long history.
            let lines = try commits.map { commit in try notes[commit.id].map { try store.readLines($0) } ?? [] }
            let decoded = Self.decodeConcurrently(lines, commits: commits.map(\.id))
            let skipped = decoded.reduce(0) { $0 + $1.skipped }
            let entries = zip(commits, decoded).map { commit, found in
                ResultHistory.Entry(commit: commit.id, time: commit.time, summary: commit.summary, results: found.results)
            }
            if skipped > 0 { warnings.append("skipped \(skipped) note line(s) that are not perfgate results of this schema version") }
            return ResultHistory(entries: entries, warnings: warnings)
        } catch {
            throw PerfgateError(.environment, String(describing: error))
        }
    }

    /// Each commit's note lines decoded into results (and how many lines were not results), the
    /// commits spread over the machine's cores.
    static func decodeConcurrently(_ lines: [[String]], commits: [String]) -> [(results: [ResultFile], skipped: Int)] {
        Array(zip(lines, commits)).concurrentMap { pair in
            let (lines, commit) = pair
            var results: [ResultFile] = []
            var skipped = 0
            for line in lines {
                switch NoteLine.decode(line, commit: commit) {
                case .success(let result): results.append(result)
                case .failure: skipped += 1
                }
            }
            return (results, skipped)
        }
    }
}
