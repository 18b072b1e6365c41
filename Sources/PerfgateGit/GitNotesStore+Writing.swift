import CLibgit2
import Foundation
import Glibc

/// Writing notes: append a line with a compare-and-swap of the ref, retried when another writer
/// won the race, and the blob, tree and commit plumbing it needs.
extension GitNotesStore {

    /// The union of line sets, de-duplicated by key, in first-seen order.
    func union(_ a: [String], _ b: [String]) -> [String] {
        var seen = Set<String>()
        var result: [String] = []
        for line in a + b where seen.insert(key(line)).inserted { result.append(line) }
        return result
    }

    /// Adds `line` to the note of `commit`, retrying the ref update while other writers race, for
    /// up to a minute. The limit is time, not a number of attempts: a writer that keeps losing to
    /// one recording many runs back to back on a loaded machine (each attempt slower than the
    /// other's next update) once ran out of 200 attempts within 4 s.
    public func append(line: String, to commit: ObjectID, message: String = "perfgate: record run") throws {
        precondition(!line.contains("\n"), "a note line must be one line")
        var attempt = 0
        let deadline = Date().addingTimeInterval(60)
        while true {
            do {
                try appendOnce(line: line, to: commit, message: message)
                return
            } catch let error as GitError where error.isRace && Date() < deadline {
                attempt += 1
                usleep(useconds_t(min(50_000, 200 * attempt) + Int.random(in: 0...500)))
            }
        }
    }

    func appendOnce(line: String, to commit: ObjectID, message: String) throws {
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
}
