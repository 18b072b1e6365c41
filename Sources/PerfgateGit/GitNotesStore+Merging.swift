import CLibgit2
import Foundation
import Glibc

/// Merging another notes ref into ours (after a fetch): the union of lines per commit, written
/// as one fan-out tree and committed with both tips as parents.
extension GitNotesStore {

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

    func mergeOnce(from otherRef: String) throws -> MergeSummary {
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

}
