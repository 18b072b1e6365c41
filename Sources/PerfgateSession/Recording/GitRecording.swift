import Foundation
import PerfgateCore
import PerfgateGit

/// Where git meets a result: opening the repository, stamping a result with the commit it
/// measured, and recording it in the commit's note.
public enum GitRecording {
    /// The repository around the current directory.
    /// - Throws: ``PerfgateError`` (environment) saying what is missing.
    public static func repository() throws -> GitRepository {
        do { return try GitRepository.discover() } catch let error as GitError { throw PerfgateError.environment(error) }
    }

    /// Stamps commit, branch and dirtiness into `result`. On a GitHub pull request the commit is
    /// the PR's head from the event, not the temporary merge commit that was checked out.
    public static func stamp(_ result: inout ResultFile, repository: GitRepository, github: GitHubContext) throws {
        let identity: RunIdentity
        do { identity = try repository.identity() } catch let error as GitError { throw PerfgateError.environment(error) }
        if let head = github.pullRequestHead {
            result.run.commit = head
            result.run.branch = github.headRef ?? identity.branch
        } else {
            result.run.commit = identity.commit.id
            result.run.branch = identity.branch
        }
        result.run.dirty = identity.dirty
    }

    /// Records `result` in the note of its commit.
    /// - Throws: ``PerfgateError``: bad input when the result names no commit of this repository;
    ///   usage when it was measured on a dirty tree and `allowDirty` is false.
    public static func record(_ result: ResultFile, repository: GitRepository, allowDirty: Bool, source: String) throws {
        guard let commit = result.run.commit, let id = ObjectID(hex: commit) else {
            throw PerfgateError.badInput(
                file: source, field: "run.commit", problem: "is missing",
                fix: "Run inside a git repository so the result names the commit it measured")
        }
        guard (try? repository.commit(id)) != nil else {
            throw PerfgateError.badInput(
                file: source, field: "run.commit", problem: "names \(commit), which is not a commit of this repository",
                fix: "Record it in the clone it was measured in, fetch that commit, or pass --commit REV to record it on another")
        }
        if result.run.dirty && !allowDirty {
            throw PerfgateError(
                .usage,
                "\(source) was measured on a work tree with uncommitted changes, so it does not describe "
                    + "\(commit.prefix(12)). Commit first, or pass --allow-dirty to record it anyway (marked dirty)")
        }
        let line = try NoteLine.encode(result)
        let store = GitNotesStore(repository: repository, key: NoteLine.runID)
        do { try store.append(line: line, to: id) } catch let error as GitError { throw PerfgateError.environment(error) }
    }
}
