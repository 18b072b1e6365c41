import Foundation
import Glibc
import PerfgateSupport

/// `perfgate notes sync`: fetch the remote's notes ref, merge it into the local one (union), and
/// push the result, retrying when another job pushed in between.
///
/// Transport goes through the `git` command, not libgit2: it uses the credentials git is already
/// configured with — on GitHub Actions, the token that actions/checkout stores as an
/// `http.extraheader` in the clone's config, which libgit2 does not read.
public struct NotesSync {
    public var repositoryPath: String
    public var remote: String
    public var ref: String
    public var attempts: Int

    /// A sync of `ref` with `remote` for the clone at `repositoryPath`, giving up after `attempts` lost races.
    public init(repositoryPath: String, remote: String = "origin", ref: String = GitNotesStore.defaultRef, attempts: Int = 10) {
        self.repositoryPath = repositoryPath
        self.remote = remote
        self.ref = ref
        self.attempts = attempts
    }

    /// How many attempts the push took, and what the merge brought in.
    public struct Outcome: Sendable {
        public var attempts: Int
        public var merge: GitNotesStore.MergeSummary
    }

    /// Runs fetch → merge → push until the push is accepted or the attempts run out.
    public func run(key: @escaping @Sendable (String) -> String) throws -> Outcome {
        let tracking = "refs/perfgate-sync/\(remote)"
        var lastError = ""
        for attempt in 1...attempts {
            let fetch = git(["fetch", "--quiet", remote, "+\(ref):\(tracking)"])
            let remoteHasNotes = fetch.status == 0
            if !remoteHasNotes && !fetch.output.contains("couldn't find remote ref") {
                throw GitError(
                    operation: "git fetch \(remote) \(ref)", code: .commandFailed,
                    message: fetch.output.trimmingCharacters(in: .whitespacesAndNewlines),
                    hint: "check the remote name and your credentials")
            }
            let repository = try GitRepository.discover(from: repositoryPath)
            let store = GitNotesStore(repository: repository, ref: ref, key: key)
            let summary =
                remoteHasNotes
                ? try store.merge(from: tracking)
                : GitNotesStore.MergeSummary(notesBefore: 0, notesAfter: try store.allNotes().count, linesAdded: 0)
            if try store.tip() == nil { return Outcome(attempts: attempt, merge: summary) }
            let push = git(["push", "--quiet", remote, "\(ref):\(ref)"])
            if push.status == 0 { return Outcome(attempts: attempt, merge: summary) }
            lastError = push.output
            usleep(useconds_t(min(2_000_000, 100_000 << min(attempt, 5)) + Int.random(in: 0...200_000)))
        }
        throw GitError(
            operation: "git push \(remote) \(ref)", code: .commandFailed,
            message: "rejected \(attempts) times: \(lastError.trimmingCharacters(in: .whitespacesAndNewlines))",
            hint: "another writer keeps winning the race, or the token may not push; retry later or check permissions (contents: write)")
    }

    private func git(_ arguments: [String]) -> (status: Int32, output: String) {
        do {
            let outcome = try ProcessRunner.run("/usr/bin/env", ["git", "-C", repositoryPath] + arguments)
            return (outcome.crashed ? 128 + outcome.status : outcome.status, outcome.stdout + outcome.stderr)
        } catch {
            return (127, "cannot run git: \(error)")
        }
    }
}
