import Foundation
import PerfgateCore
import PerfgateGit

/// Where a result named on the command line comes from: a file, or a git revision whose note
/// holds a run of the scenario (the latest one recorded).
public enum ResultSource {
    /// Loads `argument` as a file (through `loadFile`, which knows the input formats) when one
    /// exists, else as a revision of `repository`. Returns the result and where it came from.
    /// - Throws: ``PerfgateError``: bad input when it is neither, or when the note cannot be read;
    ///   no baseline when the commit has no run of `scenario`.
    public static func load(
        _ argument: String, scenario: String, loadFile: (String) throws -> ResultFile,
        repository: GitRepository?
    ) throws -> (ResultFile, String) {
        if FileManager.default.fileExists(atPath: argument) { return (try loadFile(argument), argument) }
        guard let repository, let commit = try? repository.resolve(argument) else {
            throw PerfgateError.badInput(
                file: argument, field: nil, problem: "is neither a file nor a git revision",
                fix: "Pass a result file (perfgate run --output) or a commit with recorded results")
        }
        let store = GitNotesStore(repository: repository, key: NoteLine.runID)
        let lines: [String]
        do { lines = try store.lines(for: commit) } catch let error as GitError { throw PerfgateError.environment(error) }
        var decoded: [ResultFile] = []
        var unreadable: [(line: Int, problem: PerfgateError)] = []
        for (i, line) in lines.enumerated() {
            switch NoteLine.decode(line, commit: commit.hex) {
            case .success(let result): decoded.append(result)
            case .failure(let problem): unreadable.append((i + 1, problem))
            }
        }
        let noteName = "the note on \(commit.hex.prefix(12)) (\(argument)) in \(GitNotesStore.defaultRef)"
        guard let latest = try ResultFile.latest(of: decoded, scenario: scenario, source: noteName) else {
            if let first = unreadable.first {
                throw PerfgateError.badInput(
                    file: noteName, field: "line \(first.line)",
                    problem:
                        "is not a perfgate result this version can read (\(unreadable.count) of \(lines.count) line(s) "
                        + "unreadable; the first: "
                        + "\(first.problem.message))",
                    fix: "Inspect it with `git notes --ref=perfgate show \(commit.hex.prefix(12))`; record a run again, or remove the note")
            }
            let others = Set(decoded.map(\.run.scenario)).sorted()
            throw PerfgateError(
                .noBaseline,
                "\(argument) (\(commit.hex.prefix(12))) has no recorded \(scenario) run in refs/notes/perfgate"
                    + (others.isEmpty ? "" : " (it has \(others.joined(separator: ", ")) runs: pass --scenario)") + ". "
                    + "Fetch notes (git fetch origin refs/notes/perfgate:refs/notes/perfgate) or record one")
        }
        return (latest, "run \(latest.run.runID.prefix(8)) noted on \(commit.hex.prefix(12))")
    }
}

extension ResultSource {
    /// The last `count` runs of `scenario` on `profile` recorded in the notes along HEAD's
    /// first-parent history (newest first), one per commit at most, each with where it came from.
    /// - Throws: ``PerfgateError`` (no baseline) when fewer are recorded, saying how many were found.
    public static func lastRecorded(_ count: Int, scenario: String, profile: String, repository: GitRepository) throws
        -> [(result: ResultFile, source: String)]
    {
        let history = try HistoryLoader.load(repository: repository, ref: "HEAD", limit: 500)
        var found: [(ResultFile, String)] = []
        for entry in history.entries {
            let runs = entry.results.filter { $0.run.machine.profile == profile && !$0.run.dirty }
            // A commit whose latest run is a sharded one still missing shards is passed over.
            guard let latest = try? ResultFile.latest(of: runs, scenario: scenario, source: entry.commit) else { continue }
            found.append((latest, "run \(latest.run.runID.prefix(8)) noted on \(entry.commit.prefix(12))"))
            if found.count == count { return found }
        }
        throw PerfgateError(
            .noBaseline,
            "only \(found.count) \(scenario) run(s) of profile \(profile) are recorded along HEAD's last 500 commits, \(count) asked for. "
                + "Record more with `perfgate run --record` (or fetch notes: git fetch origin refs/notes/perfgate:refs/notes/perfgate)")
    }
}
