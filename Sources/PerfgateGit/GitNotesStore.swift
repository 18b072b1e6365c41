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

    // MARK: Reading

    /// The run lines noted on `commit` (empty when it has none).
    public func lines(for commit: ObjectID) throws -> [String] {
        guard let tip = try tip() else { return [] }
        let blob = try withRootTree(tip) { root throws in try Self.findNote(in: root, hex: commit.hex, repository: repository) }
        guard let blob else { return [] }
        return Self.split(try repository.readBlob(blob))
    }

    /// Every note: commit hex → blob id. Works with flat trees (git CLI, few notes) and any fan-out depth.
    public func allNotes(at name: String? = nil) throws -> [String: ObjectID] {
        guard let tip = try tip(of: name) else { return [:] }
        var result: [String: ObjectID] = [:]
        try withRootTree(tip) { root throws in try Self.collect(tree: root, prefix: "", into: &result, repository: repository) }
        return result
    }

    /// The lines of every note, by commit hex (for history over many commits: one tree walk, then
    /// blob reads only for the commits asked about).
    public func readLines(_ blob: ObjectID) throws -> [String] { Self.split(try repository.readBlob(blob)) }

    static func split(_ data: Data) -> [String] {
        String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
    }

    static func collect(
        tree: OpaquePointer, prefix: String, into result: inout [String: ObjectID],
        repository: GitRepository
    ) throws {
        for index in 0..<git_tree_entrycount(tree) {
            guard let entry = git_tree_entry_byindex(tree, index), let namePointer = git_tree_entry_name(entry) else { continue }
            let name = prefix + String(cString: namePointer)
            let id = ObjectID(git_tree_entry_id(entry)!)
            switch git_tree_entry_type(entry) {
            case GIT_OBJECT_BLOB where name.count == 40:
                result[name] = id
            case GIT_OBJECT_TREE where name.count < 40:
                var subtree: OpaquePointer?
                var oid = id.raw
                try check(git_tree_lookup(&subtree, repository.handle, &oid), "read notes subtree \(name)")
                defer { git_tree_free(subtree) }
                try collect(tree: subtree!, prefix: name, into: &result, repository: repository)
            default:
                continue
            }
        }
    }

    /// Finds the blob of `hex`'s note, flat or fanned out.
    static func findNote(in tree: OpaquePointer, hex: Substring.SubSequence, repository: GitRepository) throws -> ObjectID? {
        if let entry = git_tree_entry_byname(tree, String(hex)), git_tree_entry_type(entry) == GIT_OBJECT_BLOB {
            return ObjectID(git_tree_entry_id(entry)!)
        }
        guard hex.count > 2, let entry = git_tree_entry_byname(tree, String(hex.prefix(2))),
            git_tree_entry_type(entry) == GIT_OBJECT_TREE
        else { return nil }
        var subtree: OpaquePointer?
        var oid = git_tree_entry_id(entry)!.pointee
        try check(git_tree_lookup(&subtree, repository.handle, &oid), "read notes subtree")
        defer { git_tree_free(subtree) }
        return try findNote(in: subtree!, hex: hex.dropFirst(2), repository: repository)
    }

    static func findNote(in tree: OpaquePointer, hex: String, repository: GitRepository) throws -> ObjectID? {
        try findNote(in: tree, hex: Substring(hex)[...], repository: repository)
    }

    // MARK: Writing

    /// The union of line sets, de-duplicated by key, in first-seen order.
    func union(_ a: [String], _ b: [String]) -> [String] {
        var seen = Set<String>()
        var result: [String] = []
        for line in a + b where seen.insert(key(line)).inserted { result.append(line) }
        return result
    }

    /// Adds `line` to the note of `commit`, retrying the ref update while other writers race.
    public func append(line: String, to commit: ObjectID, message: String = "perfgate: record run") throws {
        precondition(!line.contains("\n"), "a note line must be one line")
        var attempt = 0
        while true {
            do {
                try appendOnce(line: line, to: commit, message: message)
                return
            } catch let error as GitError where error.isRace && attempt < 200 {
                attempt += 1
                usleep(useconds_t(min(50_000, 200 * attempt) + Int.random(in: 0...500)))
            }
        }
    }

    private func appendOnce(line: String, to commit: ObjectID, message: String) throws {
        let hex = commit.hex
        let oldTip = try tip()
        var oldLines: [String] = []
        var rootBuilder: OpaquePointer?
        var subBuilder: OpaquePointer?
        defer {
            git_treebuilder_free(rootBuilder)
            git_treebuilder_free(subBuilder)
        }
        let directory = String(hex.prefix(2))
        let rest = String(hex.dropFirst(2))
        if let oldTip {
            try withRootTree(oldTip) { root throws in
                if let blob = try Self.findNote(in: root, hex: hex, repository: repository) {
                    oldLines = Self.split(try repository.readBlob(blob))
                }
                try check(git_treebuilder_new(&rootBuilder, handle, root), "open the notes tree")
                // An existing subtree for this prefix is the base of the new one.
                if let entry = git_tree_entry_byname(root, directory), git_tree_entry_type(entry) == GIT_OBJECT_TREE {
                    var subtree: OpaquePointer?
                    var oid = git_tree_entry_id(entry)!.pointee
                    try check(git_tree_lookup(&subtree, handle, &oid), "read notes subtree")
                    defer { git_tree_free(subtree) }
                    try check(git_treebuilder_new(&subBuilder, handle, subtree), "open notes subtree")
                }
            }
        } else {
            try check(git_treebuilder_new(&rootBuilder, handle, nil), "create the notes tree")
        }
        if subBuilder == nil { try check(git_treebuilder_new(&subBuilder, handle, nil), "create a notes subtree") }
        let merged = union(oldLines, [line])
        if merged == oldLines { return }  // already recorded (same run id)
        var blob = try writeBlob(merged.joined(separator: "\n") + "\n")
        try check(git_treebuilder_insert(nil, subBuilder, rest, &blob, GIT_FILEMODE_BLOB), "add the note")
        var subtreeID = git_oid()
        try check(git_treebuilder_write(&subtreeID, subBuilder), "write the notes subtree")
        // A flat entry for this commit (written by the git CLI into a small tree) moves into the fan-out.
        if git_treebuilder_get(rootBuilder, hex) != nil { _ = git_treebuilder_remove(rootBuilder, hex) }
        try check(git_treebuilder_insert(nil, rootBuilder, directory, &subtreeID, GIT_FILEMODE_TREE), "add the notes subtree")
        var rootID = git_oid()
        try check(git_treebuilder_write(&rootID, rootBuilder), "write the notes tree")
        let newTip = try commitTree(ObjectID(rootID), parents: [oldTip].compactMap { $0 }, message: message)
        try updateRef(to: newTip, expecting: oldTip)
    }

    func writeBlob(_ text: String) throws -> git_oid {
        var oid = git_oid()
        var text = text
        let code = text.withUTF8 { bytes in git_blob_create_from_buffer(&oid, handle, bytes.baseAddress, bytes.count) }
        try check(code, "write a note blob")
        return oid
    }

    func commitTree(_ tree: ObjectID, parents: [ObjectID], message: String) throws -> ObjectID {
        var treeOID = tree.raw
        var treeHandle: OpaquePointer?
        try check(git_tree_lookup(&treeHandle, handle, &treeOID), "read the new notes tree")
        defer { git_tree_free(treeHandle) }
        var parentHandles: [OpaquePointer?] = []
        defer { for handle in parentHandles { git_commit_free(handle) } }
        for parent in parents {
            var oid = parent.raw
            var commit: OpaquePointer?
            try check(git_commit_lookup(&commit, handle, &oid), "read notes commit \(parent.hex.prefix(12))")
            parentHandles.append(commit)
        }
        let signature = try repository.signature()
        defer { git_signature_free(signature) }
        var out = git_oid()
        let code = parentHandles.withUnsafeMutableBufferPointer { buffer in
            git_commit_create(&out, handle, nil, signature, signature, nil, message, treeHandle, buffer.count, buffer.baseAddress)
        }
        try check(code, "commit the notes")
        return ObjectID(out)
    }

    /// Moves the ref to `new` only if it still points at `expected` (nil: must not exist yet).
    func updateRef(to new: ObjectID, expecting expected: ObjectID?, name: String? = nil) throws {
        var newOID = new.raw
        var reference: OpaquePointer?
        let code: Int32
        if var expectedOID = expected?.raw {
            code = git_reference_create_matching(&reference, handle, name ?? ref, &newOID, 1, &expectedOID, "perfgate")
        } else {
            code = git_reference_create(&reference, handle, name ?? ref, &newOID, 0, "perfgate")
        }
        if code < 0 { throw GitError.last("update \(name ?? ref)", code: code) }
        git_reference_free(reference)
    }

    // MARK: Merging

    /// What a merge of two notes refs did.
    public struct MergeSummary: Sendable, Equatable {
        public var notesBefore: Int
        public var notesAfter: Int
        public var linesAdded: Int
    }

    /// Merges the notes under `otherRef` into this store's ref as a union of lines per commit
    /// (de-duplicated by key). libgit2 has no notes merge, so this builds the merged fan-out tree
    /// and commits it with both tips as parents, so a push of the result fast-forwards the remote.
    @discardableResult
    public func merge(from otherRef: String) throws -> MergeSummary {
        var attempt = 0
        while true {
            do {
                return try mergeOnce(from: otherRef)
            } catch let error as GitError where error.isRace && attempt < 50 {
                attempt += 1
                usleep(useconds_t(1000 * attempt))
            }
        }
    }

    private func mergeOnce(from otherRef: String) throws -> MergeSummary {
        let localTip = try tip()
        guard let otherTip = try tip(of: otherRef) else {
            let count = try allNotes().count
            return MergeSummary(notesBefore: count, notesAfter: count, linesAdded: 0)
        }
        if localTip == otherTip {
            let count = try allNotes().count
            return MergeSummary(notesBefore: count, notesAfter: count, linesAdded: 0)
        }
        let local = try allNotes()
        let other = try allNotes(at: otherRef)
        if let localTip, try isAncestor(localTip, of: otherTip) {
            // Fast-forward: the other side already contains everything we have.
            try updateRef(to: otherTip, expecting: localTip)
            var added = 0
            for (hex, blob) in other where local[hex] != blob {
                added += try readLines(blob).count
                if let old = local[hex] { added -= try readLines(old).count }
            }
            return MergeSummary(notesBefore: local.count, notesAfter: other.count, linesAdded: added)
        }
        if let localTip, try isAncestor(otherTip, of: localTip) {
            return MergeSummary(notesBefore: local.count, notesAfter: local.count, linesAdded: 0)
        }
        var merged = local
        var added = 0
        for (hex, blob) in other {
            guard let mine = local[hex] else {
                merged[hex] = blob
                added += try readLines(blob).count
                continue
            }
            if mine == blob { continue }
            let ours = try readLines(mine)
            let union = union(ours, try readLines(blob))
            if union.count != ours.count {
                merged[hex] = ObjectID(try writeBlob(union.joined(separator: "\n") + "\n"))
                added += union.count - ours.count
            }
        }
        let root = try writeFanOutTree(merged)
        let commit = try commitTree(
            root, parents: [localTip, otherTip].compactMap { $0 }, message: "perfgate: merge notes from \(otherRef)")
        try updateRef(to: commit, expecting: localTip)
        return MergeSummary(notesBefore: local.count, notesAfter: merged.count, linesAdded: added)
    }

    func isAncestor(_ ancestor: ObjectID, of descendant: ObjectID) throws -> Bool {
        var a = ancestor.raw
        var d = descendant.raw
        let code = git_graph_descendant_of(handle, &d, &a)
        try check(code, "compare notes histories")
        return code == 1
    }

    /// Builds a 2/38 fan-out notes tree from scratch.
    func writeFanOutTree(_ notes: [String: ObjectID]) throws -> ObjectID {
        var groups: [String: [(String, ObjectID)]] = [:]
        for (hex, blob) in notes { groups[String(hex.prefix(2)), default: []].append((String(hex.dropFirst(2)), blob)) }
        var root: OpaquePointer?
        try check(git_treebuilder_new(&root, handle, nil), "create the notes tree")
        defer { git_treebuilder_free(root) }
        for (directory, entries) in groups {
            var sub: OpaquePointer?
            try check(git_treebuilder_new(&sub, handle, nil), "create a notes subtree")
            defer { git_treebuilder_free(sub) }
            for (name, blob) in entries {
                var oid = blob.raw
                try check(git_treebuilder_insert(nil, sub, name, &oid, GIT_FILEMODE_BLOB), "add a note")
            }
            var subID = git_oid()
            try check(git_treebuilder_write(&subID, sub), "write a notes subtree")
            try check(git_treebuilder_insert(nil, root, directory, &subID, GIT_FILEMODE_TREE), "add a notes subtree")
        }
        var rootID = git_oid()
        try check(git_treebuilder_write(&rootID, root), "write the notes tree")
        return ObjectID(rootID)
    }
}
