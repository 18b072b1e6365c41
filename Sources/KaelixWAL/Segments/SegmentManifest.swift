import Glibc

/// `MANIFEST`: the lowest and highest segment ids of the log, rewritten (atomically, checksummed)
/// after each new segment's directory entry is durable and before retention deletes old ones.
///
/// Segments alone cannot tell a deleted newest segment from a crash that happened between sealing
/// one segment and creating the next, nor a deleted oldest segment from retention. With the
/// manifest, recovery refuses a log whose files disagree with what was made durable: a missing
/// segment is reported with its name instead of its acknowledged records silently vanishing.
struct SegmentManifest: Equatable {
    static let fileName = "MANIFEST"
    var lowest: UInt64
    var highest: UInt64

    func encoded() -> [UInt8] {
        let text = "kaelix-wal manifest 1\nlowest \(lowest)\nhighest \(highest)\n"
        let crc = CRC32C.checksum(Array(text.utf8))
        return Array((text + "crc \(crc)\n").utf8)
    }

    /// The manifest in `bytes`, or nil when they are not one (damaged, or another version).
    static func decode(_ bytes: [UInt8]) -> SegmentManifest? {
        let text = String(decoding: bytes, as: UTF8.self)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count >= 4, lines[0] == "kaelix-wal manifest 1",
            lines[1].hasPrefix("lowest "), let lowest = UInt64(lines[1].dropFirst(7)),
            lines[2].hasPrefix("highest "), let highest = UInt64(lines[2].dropFirst(8)),
            lines[3].hasPrefix("crc "), let crc = UInt32(lines[3].dropFirst(4)),
            CRC32C.checksum(Array((lines[0...2].joined(separator: "\n") + "\n").utf8)) == crc, lowest <= highest
        else { return nil }
        return SegmentManifest(lowest: lowest, highest: highest)
    }

    /// Reads the manifest of `directory`; nil when there is none.
    /// - Throws: ``WALError/corruption(path:offset:reason:)`` when it exists but is damaged.
    static func read(directory: String, fileSystem: any WALFileSystem) throws -> SegmentManifest? {
        let path = directory + "/" + fileName
        guard access(path, F_OK) == 0 else { return nil }
        let fd: Int32
        do { fd = try fileSystem.openFile(path, create: false) } catch { throw error.walError(path: path) }
        defer { fileSystem.closeFile(fd) }
        var bytes = [UInt8](repeating: 0, count: 256)
        let count: Int
        do { count = try bytes.withUnsafeMutableBytes { try fileSystem.readFully(fd, into: $0, at: 0) } } catch {
            throw error.walError(path: path)
        }
        guard let manifest = decode(Array(bytes.prefix(count))) else {
            throw WALError.corruption(path: path, offset: 0, reason: "the manifest is damaged; it records which segments must exist")
        }
        return manifest
    }

    /// Writes the manifest atomically: a temporary file, fdatasync, rename, directory fsync.
    func write(directory: String, fileSystem: any WALFileSystem) throws {
        let path = directory + "/" + Self.fileName
        let temporary = path + ".tmp"
        try? fileSystem.removeFile(temporary)
        do {
            let fd = try fileSystem.openFile(temporary, create: true)
            defer { fileSystem.closeFile(fd) }
            try encoded().withUnsafeBytes { try fileSystem.writeAll(fd, $0, at: 0) }
            try fileSystem.dataSync(fd)
        } catch {
            throw error.walError(path: temporary)
        }
        do { try fileSystem.rename(temporary, to: path) } catch { throw error.walError(path: path) }
        do { try fileSystem.syncDirectory(directory) } catch { throw error.walError(path: directory) }
    }
}
