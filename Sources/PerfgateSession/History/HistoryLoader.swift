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
            // Blobs are read and their lines decoded on every core, each worker with a repository
            // handle of its own (libgit2 handles are not shared between threads): inflating and
            // decoding the JSON of thousands of runs is most of the cost of a long history.
            let decoded = try Self.readConcurrently(
                commits.map { notes[$0.id] }, commits: commits.map(\.id), gitDirectory: repository.gitDirectory)
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

    /// Each commit's note (its blob, nil: none) read and its lines decoded into results (and how
    /// many lines were not results), the commits spread over the machine's cores in interleaved
    /// chunks, one repository handle per chunk.
    /// - Throws: the first error reading a blob.
    static func readConcurrently(_ blobs: [ObjectID?], commits: [String], gitDirectory: String) throws -> [(
        results: [ResultFile], skipped: Int
    )] {
        typealias Decoded = (results: [ResultFile], skipped: Int)
        let count = blobs.count
        let chunks = Swift.max(1, Swift.min(count, ProcessInfo.processInfo.activeProcessorCount * 2))
        let outcomes: [Result<[Decoded], any Error>] = Array(0..<chunks).concurrentMap { chunk in
            do {
                let repository = try GitRepository.discover(from: gitDirectory)
                let store = GitNotesStore(repository: repository, key: NoteLine.runID)
                return .success(
                    try stride(from: chunk, to: count, by: chunks).map { index -> Decoded in
                        guard let blob = blobs[index] else { return ([], 0) }
                        var results: [ResultFile] = []
                        var skipped = 0
                        for line in try store.readLineData(blob) {
                            switch NoteLine.decode(line, commit: commits[index]) {
                            case .success(let result): results.append(result)
                            case .failure: skipped += 1
                            }
                        }
                        return (results, skipped)
                    })
            } catch {
                return .failure(error)
            }
        }
        var decoded = [Decoded](repeating: ([], 0), count: count)
        for (chunk, outcome) in outcomes.enumerated() {
            for (k, value) in try outcome.get().enumerated() { decoded[chunk + k * chunks] = value }
        }
        return decoded
    }
}
