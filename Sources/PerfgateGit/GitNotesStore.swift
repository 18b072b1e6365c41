import CLibgit2
import Foundation
import Glibc

/// Results in git notes under `refs/notes/perfgate`: one note per measured commit, holding one
/// line per run (compact JSON), in a 2/38 fan-out tree as git itself uses for large notes trees.
///
/// libgit2's `git_note_create` never creates a fan-out and rewrites a flat tree on every write
/// (2 ms per note growing to 22 ms at 10 000 notes). Here each write touches one 38-entry-ish
/// subtree and the 256-entry root: constant cost. Writes are read-modify-write with a
/// compare-and-swap of the ref, retried when another writer won the race, so concurrent writers
/// never lose a line. Lines are merged as a union, de-duplicated by a caller-given key (the run id).
public final class GitNotesStore {
    public static let defaultRef = "refs/notes/perfgate"

    public let repository: GitRepository
    public let ref: String
    /// The de-duplication key of a line (the run id); lines with equal keys are one run.
    let key: @Sendable (String) -> String

    /// A store of the notes under `ref`; `key` gives a line's identity (the run id), so a run recorded
    /// twice is one line.
    public init(
        repository: GitRepository, ref: String = GitNotesStore.defaultRef,
        key: @escaping @Sendable (String) -> String = { $0 }
    ) {
        self.repository = repository
        self.ref = ref
        self.key = key
    }

    var handle: OpaquePointer { repository.handle }

    /// The notes commit the ref points at, or nil when there are no notes yet.
    func tip(of name: String? = nil) throws -> ObjectID? {
        var oid = git_oid()
        let code = git_reference_name_to_id(&oid, handle, name ?? ref)
        if code == GIT_ENOTFOUND.rawValue {
            git_error_clear()
            return nil
        }
        try check(code, "read \(name ?? ref)")
        return ObjectID(oid)
    }

    /// Calls `body` with the root tree of notes commit `commit`.
    func withRootTree<R>(_ commit: ObjectID, _ body: (OpaquePointer) throws -> R) throws -> R {
        try repository.withCommit(commit) { commitHandle throws -> R in
            var tree: OpaquePointer?
            try check(git_commit_tree(&tree, commitHandle), "read the notes tree")
            defer { git_tree_free(tree) }
            return try body(tree!)
        }
    }
}
