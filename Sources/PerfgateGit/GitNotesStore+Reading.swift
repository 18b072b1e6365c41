import CLibgit2
import Foundation
import Glibc

/// Reading notes: one commit's lines, every note of the ref, and lookups in the fan-out tree.
extension GitNotesStore {

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

    /// The note's lines as bytes, for readers that parse them (no String of each line is made).
    public func readLineData(_ blob: ObjectID) throws -> [Data] {
        Self.lines(of: try repository.readBlob(blob)) { Data($0) }
    }

    /// The note's lines, split on the newline byte with `memchr` (splitting the decoded String by
    /// Character, or `Data.split`, cost a quarter of reading a long history).
    static func split(_ data: Data) -> [String] { lines(of: data) { String(decoding: $0, as: UTF8.self) } }

    /// Each non-empty line of `data` (without its newline), made into a value by `make`.
    static func lines<Line>(of data: Data, _ make: (UnsafeRawBufferPointer) -> Line) -> [Line] {
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> [Line] in
            guard let base = raw.baseAddress else { return [] }
            var lines: [Line] = []
            var start = 0
            while start < raw.count {
                let newline = memchr(base + start, Int32(UInt8(ascii: "\n")), raw.count - start)
                let end = newline.map { UnsafeRawPointer($0) - base } ?? raw.count
                if end > start { lines.append(make(UnsafeRawBufferPointer(rebasing: raw[start..<end]))) }
                start = end + 1
            }
            return lines
        }
    }

}
