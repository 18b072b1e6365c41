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
            let (commits, notes, walked) = try walk(repository: repository, ref: ref, limit: limit)
            var warnings = walked
            // Blobs are read and their lines decoded on every core, each worker with a repository
            // handle of its own (libgit2 handles are not shared between threads): inflating and
            // decoding the JSON of thousands of runs is most of the cost of a long history.
            let decoded = try Self.readConcurrently(
                commits.map { notes[$0.id] }, commits: commits.map(\.id), gitDirectory: repository.gitDirectory
            ) { results, skipped in (results, skipped) }
            let skipped = decoded.reduce(0) { $0 + ($1?.1 ?? 0) }
            let entries = zip(commits, decoded).map { commit, found in
                ResultHistory.Entry(commit: commit.id, time: commit.time, summary: commit.summary, results: found?.0 ?? [])
            }
            if skipped > 0 { warnings.append("skipped \(skipped) note line(s) that are not perfgate results of this schema version") }
            return ResultHistory(entries: entries, warnings: warnings)
        } catch {
            throw PerfgateError(.environment, String(describing: error))
        }
    }

    /// What ``loadDigest(repository:ref:limit:scenario:cache:)`` read.
    public struct DigestLoad {
        public var digest: HistoryDigest
        /// Each entry's note blob (nil: none), for reading one note whole.
        public var blobs: [ObjectID?]
        /// Notes taken from the cache, and notes decoded (and added to it).
        public var cached: Int
        public var decoded: Int
    }

    /// The history of `ref`'s first-parent line digested for `scenario`: notes found in `cache`
    /// are not decoded again; the others are, and are added to it. Entries of notes no longer in
    /// the notes ref are dropped from the cache.
    /// - Throws: ``PerfgateError`` (environment) when git cannot read it.
    public static func loadDigest(
        repository: GitRepository, ref: String, limit: Int, scenario: String, cache: inout HistoryCache
    ) throws -> DigestLoad {
        do {
            let (commits, notes, walked) = try walk(repository: repository, ref: ref, limit: limit)
            var warnings = walked
            let blobs = commits.map { notes[$0.id] }
            let missing = blobs.map { blob in blob.flatMap { cache.notes[$0.hex] == nil ? $0 : nil } }
            let decoded = try Self.readConcurrently(missing, commits: commits.map(\.id), gitDirectory: repository.gitDirectory) {
                results, skipped in HistoryDigest.Note(results: results, scenario: scenario, skippedLines: skipped)
            }
            let live = Set(notes.values.map(\.hex))
            cache.notes = cache.notes.filter { live.contains($0.key) }
            var cached = 0
            var fresh = 0
            var entries: [HistoryDigest.Entry] = []
            entries.reserveCapacity(commits.count)
            for (index, commit) in commits.enumerated() {
                var note = HistoryDigest.Note(runs: [], selections: [:])
                if let blob = blobs[index] {
                    if let found = decoded[index] {
                        note = found
                        cache.notes[blob.hex] = found
                        fresh += 1
                    } else if let found = cache.notes[blob.hex] {
                        note = found
                        cached += 1
                    }
                }
                entries.append(HistoryDigest.Entry(commit: commit.id, time: commit.time, summary: commit.summary, note: note))
            }
            let skipped = entries.reduce(0) { $0 + $1.note.skippedLines }
            if skipped > 0 { warnings.append("skipped \(skipped) note line(s) that are not perfgate results of this schema version") }
            return DigestLoad(
                digest: HistoryDigest(scenario: scenario, entries: entries, warnings: warnings), blobs: blobs, cached: cached,
                decoded: fresh)
        } catch {
            throw PerfgateError(.environment, String(describing: error))
        }
    }

    /// The runs of one note, whole (the lines that are perfgate results).
    /// - Throws: ``PerfgateError`` (environment) when git cannot read the blob.
    public static func results(of blob: ObjectID, commit: String, repository: GitRepository) throws -> [ResultFile] {
        do {
            let store = GitNotesStore(repository: repository, key: NoteLine.runID)
            return try store.readLineData(blob).compactMap { try? NoteLine.decode($0, commit: commit).get() }
        } catch {
            throw PerfgateError(.environment, String(describing: error))
        }
    }

    /// `ref`'s first-parent commits, the notes tree (commit → blob), and what a reader should know
    /// (where a shallow history ends, that there are no notes at all).
    private static func walk(
        repository: GitRepository, ref: String, limit: Int
    ) throws -> (commits: [CommitInfo], notes: [String: ObjectID], warnings: [String]) {
        let start = try repository.resolve(ref)
        let (commits, endReason) = try repository.firstParentHistory(from: start, limit: limit)
        let notes = try GitNotesStore(repository: repository, key: NoteLine.runID).allNotes()
        var warnings: [String] = []
        if let endReason { warnings.append(endReason) }
        if notes.isEmpty {
            warnings.append(
                "no results recorded in \(GitNotesStore.defaultRef)"
                    + (repository.isShallow
                        ? " (a shallow clone has no notes: git fetch origin refs/notes/perfgate:refs/notes/perfgate)"
                        : "; record with `perfgate run --record` or fetch them"))
        }
        return (commits, notes, warnings)
    }

    /// Each commit's note (its blob, nil: none) read, its lines decoded into results (and how
    /// many lines were not results) and handed to `transform`, on every core in interleaved chunks,
    /// one repository handle per chunk. nil for a commit without a blob.
    /// - Throws: the first error reading a blob.
    static func readConcurrently<T: Sendable>(
        _ blobs: [ObjectID?], commits: [String], gitDirectory: String, transform: @escaping @Sendable ([ResultFile], Int) -> T
    ) throws -> [T?] {
        let count = blobs.count
        let chunks = Swift.max(1, Swift.min(count, ProcessInfo.processInfo.activeProcessorCount * 2))
        let outcomes: [Result<[T?], any Error>] = Array(0..<chunks).concurrentMap { chunk in
            do {
                let repository = try GitRepository.discover(from: gitDirectory)
                let store = GitNotesStore(repository: repository, key: NoteLine.runID)
                return .success(
                    try stride(from: chunk, to: count, by: chunks).map { index -> T? in
                        guard let blob = blobs[index] else { return nil }
                        var results: [ResultFile] = []
                        var skipped = 0
                        for line in try store.readLineData(blob) {
                            switch NoteLine.decode(line, commit: commits[index]) {
                            case .success(let result): results.append(result)
                            case .failure: skipped += 1
                            }
                        }
                        return transform(results, skipped)
                    })
            } catch {
                return .failure(error)
            }
        }
        var decoded = [T?](repeating: nil, count: count)
        for (chunk, outcome) in outcomes.enumerated() {
            for (k, value) in try outcome.get().enumerated() { decoded[chunk + k * chunks] = value }
        }
        return decoded
    }
}
