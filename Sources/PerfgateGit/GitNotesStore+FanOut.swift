import CLibgit2
import Foundation
import Glibc

/// The 2/38 fan-out notes tree, as git itself lays out large notes trees: walking it into a map
/// of commit to note blob, finding one commit's note, and building a tree from a map.
extension GitNotesStore {
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
