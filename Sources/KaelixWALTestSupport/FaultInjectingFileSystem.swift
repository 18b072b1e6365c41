import Foundation
import Glibc
import KaelixWAL
import PerfgateSupport

/// A file layer for crash and I/O-error tests, in the manner of SQLite's test VFS and RocksDB's
/// FaultInjectionTestFS: it writes through to real files, remembers what was never made durable,
/// and can fail chosen calls.
///
/// - Faults: fail the Nth write, sync or allocation (once or from then on) with an errno, make
///   the Nth write short, or make the disk full until ``diskFull`` is cleared.
/// - Power loss: ``simulatePowerLoss(_:seed:)`` puts every file back the way a machine that lost
///   power would find it: bytes written since the file's last successful `fdatasync` are undone
///   (all of them, a torn prefix, a random subset landing out of order, or torn at sector
///   granularity), and files created, renamed or removed since the directory's last `fsync`
///   disappear, return to their old names, or come back.
/// - A failed `fdatasync` behaves as Linux does ("fsyncgate"): the kernel drops the dirty pages it
///   could not write and marks them clean, so a later successful sync does not make them durable.
///   The bytes stay readable until the power goes, then they are gone.
/// - ``interceptor`` runs before every call and may delay it or fail it, to stage races.
///
/// Call ``simulatePowerLoss(_:seed:)`` only after the log using it was abandoned or closed.
public final class FaultInjectingFileSystem: WALFileSystem, @unchecked Sendable {
    /// Which system call a fault applies to.
    public enum Call: Sendable, Hashable { case write, dataSync, allocate, open, syncDirectory, rename }

    /// One planned fault: fail the `nth` call (1-based, counted from when the fault was added) of
    /// `call` with `errno`; with `persistent`, every later call fails too. With `shortWrite`, a
    /// failing write instead writes half its bytes and reports success.
    public struct Fault: Sendable {
        public var call: Call
        public var nth: Int
        public var errno: Int32
        public var persistent: Bool
        public var shortWrite: Bool
        public init(call: Call, nth: Int, errno: Int32 = EIO, persistent: Bool = false, shortWrite: Bool = false) {
            self.call = call
            self.nth = nth
            self.errno = errno
            self.persistent = persistent
            self.shortWrite = shortWrite
        }
    }

    /// How much of the unsynced data survives a simulated power loss.
    public enum PowerLossMode: Sendable, CaseIterable {
        /// Every byte written since the last sync of its file is lost.
        case dropUnsynced
        /// Unsynced writes survive in order up to a random write, which is torn at a random
        /// sector boundary (disks write 512-byte sectors whole); everything after it is lost. Models the page cache flushing part of
        /// the dirty data.
        case tornPrefix
        /// All unsynced writes survive except the last one, of which only a random prefix of
        /// whole sectors does.
        case tearLastWrite
        /// Each unsynced write survives or not independently (the page cache writes back in any
        /// order), and a surviving write may lose some of its 512-byte sectors.
        case reorder
    }

    private struct UndoRecord {
        var path: String
        var offset: Int64
        var oldBytes: [UInt8]
        var oldSize: Int64
        var newLength: Int
        /// An fdatasync covering this write failed: its pages were dropped, no later sync saves it.
        var writebackFailed = false
    }

    private let base = PosixFileSystem()
    private let lock = NSLock()
    private var faults: [Fault] = []
    private var callCounts: [Call: Int] = [:]
    private var faultStart: [Int: Int] = [:]
    private var paths: [Int32: String] = [:]
    private var undo: [UndoRecord] = []
    private var createdSinceDirectorySync: Set<String> = []
    private var renamedSinceDirectorySync: [(from: String, to: String)] = []
    private var removedSinceDirectorySync: [(path: String, contents: [UInt8])] = []
    private var _diskFull = false
    private var _interceptor: (@Sendable (Call) -> Int32?)?

    public init() {}

    /// Called before every faultable call, outside the layer's lock, on the caller's thread. It
    /// may block (to stage a race) and may return an errno to fail the call with.
    public var interceptor: (@Sendable (Call) -> Int32?)? {
        get { lock.withLock { _interceptor } }
        set { lock.withLock { _interceptor = newValue } }
    }

    private func intercept(_ call: Call, _ name: String) throws {
        if let interceptor = lock.withLock({ _interceptor }), let errno = interceptor(call) {
            throw SystemCallError(call: name, errno: errno)
        }
    }

    /// While true, every write and allocation fails with ENOSPC.
    public var diskFull: Bool {
        get { lock.withLock { _diskFull } }
        set { lock.withLock { _diskFull = newValue } }
    }

    /// Adds a fault; its `nth` counts calls made from now on.
    public func inject(_ fault: Fault) {
        lock.withLock {
            faultStart[faults.count] = callCounts[fault.call, default: 0]
            faults.append(fault)
        }
    }

    /// Removes all planned faults (the disk-full switch too).
    public func clearFaults() {
        lock.withLock {
            faults.removeAll()
            faultStart.removeAll()
            _diskFull = false
        }
    }

    /// How many times `call` was made.
    public func count(of call: Call) -> Int { lock.withLock { callCounts[call, default: 0] } }

    /// Returns the fault to apply to this call, if any. The lock must be held.
    private func nextFault(_ call: Call) -> Fault? {
        let n = callCounts[call, default: 0] + 1
        callCounts[call] = n
        for (index, fault) in faults.enumerated() where fault.call == call {
            let relative = n - faultStart[index, default: 0]
            if relative == fault.nth || (fault.persistent && relative > fault.nth) { return fault }
        }
        return nil
    }

    private func trackedPath(_ fd: Int32) -> String { paths[fd] ?? "fd\(fd)" }

    private func recordUndo(fd: Int32, offset: Int64, length: Int) throws {
        let size = try base.fileSize(fd)
        var old: [UInt8] = []
        if offset < size {
            let count = Int(min(Int64(length), size - offset))
            old = [UInt8](repeating: 0, count: count)
            _ = try old.withUnsafeMutableBytes { buffer throws in
                try base.readFully(fd, into: buffer, at: offset)
            }
        }
        undo.append(UndoRecord(path: trackedPath(fd), offset: offset, oldBytes: old, oldSize: size, newLength: length))
    }

    public func openFile(_ path: String, create: Bool) throws -> Int32 {
        try intercept(.open, "open")
        lock.lock()
        defer { lock.unlock() }
        if let fault = nextFault(.open) { throw SystemCallError(call: "open", errno: fault.errno) }
        let fd = try base.openFile(path, create: create)
        paths[fd] = path
        if create { createdSinceDirectorySync.insert(path) }
        return fd
    }

    public func closeFile(_ fd: Int32) {
        lock.withLock { _ = paths.removeValue(forKey: fd) }
        base.closeFile(fd)
    }

    public func write(_ fd: Int32, _ buffer: UnsafeRawBufferPointer, at offset: Int64) throws -> Int {
        try intercept(.write, "pwrite")
        lock.lock()
        defer { lock.unlock() }
        if _diskFull { throw SystemCallError(call: "pwrite", errno: ENOSPC) }
        var length = buffer.count
        if let fault = nextFault(.write) {
            if !fault.shortWrite { throw SystemCallError(call: "pwrite", errno: fault.errno) }
            length = max(1, buffer.count / 2)
        }
        try recordUndo(fd: fd, offset: offset, length: length)
        return try base.write(fd, UnsafeRawBufferPointer(rebasing: buffer[0..<length]), at: offset)
    }

    public func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) throws -> Int {
        try base.read(fd, into: buffer, at: offset)
    }

    public func dataSync(_ fd: Int32) throws {
        let path = lock.withLock { trackedPath(fd) }
        do { try intercept(.dataSync, "fdatasync") } catch {
            lock.withLock { markWritebackFailed(path) }
            throw error
        }
        lock.lock()
        defer { lock.unlock() }
        if let fault = nextFault(.dataSync) {
            markWritebackFailed(path)
            throw SystemCallError(call: "fdatasync", errno: fault.errno)
        }
        try base.dataSync(fd)
        undo.removeAll { $0.path == path && !$0.writebackFailed }
    }

    /// A failed sync: the kernel dropped this file's dirty pages (they read back until power loss).
    private func markWritebackFailed(_ path: String) {
        for index in undo.indices where undo[index].path == path { undo[index].writebackFailed = true }
    }

    public func allocate(_ fd: Int32, offset: Int64, length: Int64) throws {
        try intercept(.allocate, "fallocate")
        lock.lock()
        defer { lock.unlock() }
        if _diskFull { throw SystemCallError(call: "fallocate", errno: ENOSPC) }
        if let fault = nextFault(.allocate) { throw SystemCallError(call: "fallocate", errno: fault.errno) }
        let size = try base.fileSize(fd)
        undo.append(UndoRecord(path: trackedPath(fd), offset: size, oldBytes: [], oldSize: size, newLength: 0))
        try base.allocate(fd, offset: offset, length: length)
    }

    public func truncate(_ fd: Int32, to length: Int64) throws {
        lock.lock()
        defer { lock.unlock() }
        let size = try base.fileSize(fd)
        if length < size {
            try recordUndo(fd: fd, offset: length, length: Int(size - length))
        } else {
            undo.append(UndoRecord(path: trackedPath(fd), offset: size, oldBytes: [], oldSize: size, newLength: 0))
        }
        try base.truncate(fd, to: length)
    }

    public func fileSize(_ fd: Int32) throws -> Int64 { try base.fileSize(fd) }

    public func syncDirectory(_ path: String) throws {
        try intercept(.syncDirectory, "fsync(directory)")
        lock.lock()
        defer { lock.unlock() }
        if let fault = nextFault(.syncDirectory) { throw SystemCallError(call: "fsync(directory)", errno: fault.errno) }
        try base.syncDirectory(path)
        // Syncing a directory makes the entries of its own files durable, not those of subdirectories.
        let directory = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
        func isEntry(_ file: String) -> Bool {
            guard let slash = file.lastIndex(of: "/") else { return directory == "." }
            return String(file[..<slash]) == directory || (slash == file.startIndex && directory == "/")
        }
        createdSinceDirectorySync = createdSinceDirectorySync.filter { !isEntry($0) }
        renamedSinceDirectorySync.removeAll { isEntry($0.to) }
        removedSinceDirectorySync.removeAll { isEntry($0.path) }
    }

    public func rename(_ from: String, to: String) throws {
        try intercept(.rename, "rename")
        lock.lock()
        defer { lock.unlock() }
        if let fault = nextFault(.rename) { throw SystemCallError(call: "rename", errno: fault.errno) }
        try base.rename(from, to: to)
        for (fd, path) in paths where path == from { paths[fd] = to }
        for index in undo.indices where undo[index].path == from { undo[index].path = to }
        if createdSinceDirectorySync.remove(from) != nil { createdSinceDirectorySync.insert(to) }
        renamedSinceDirectorySync.append((from, to))
    }

    public func removeFile(_ path: String) throws {
        lock.lock()
        defer { lock.unlock() }
        // Until the directory is synced, a power loss brings the file back as it was last made durable.
        if createdSinceDirectorySync.remove(path) == nil, let contents = durableContents(of: path) {
            removedSinceDirectorySync.append((path, contents))
        }
        try base.removeFile(path)
        undo.removeAll { $0.path == path }
    }

    /// The bytes of `path` as a power loss would leave them: its content with unsynced writes undone.
    private func durableContents(of path: String) -> [UInt8]? {
        guard let fd = try? base.openFile(path, create: false) else { return nil }
        defer { base.closeFile(fd) }
        guard let size = try? base.fileSize(fd) else { return nil }
        var bytes = [UInt8](repeating: 0, count: Int(size))
        guard (try? bytes.withUnsafeMutableBytes({ try base.readFully(fd, into: $0, at: 0) })) != nil else { return nil }
        var length = Int(size)
        for record in undo.reversed() where record.path == path {
            for (i, byte) in record.oldBytes.enumerated() where Int(record.offset) + i < bytes.count {
                bytes[Int(record.offset) + i] = byte
            }
            length = Int(record.oldSize)
        }
        return Array(bytes.prefix(length))
    }

    public func listDirectory(_ path: String) throws -> [String] { try base.listDirectory(path) }
    /// Creates `path` and any missing parents; each directory it creates is an entry of its parent
    /// that a power loss takes away (with everything inside) until the parent is synced.
    public func createDirectory(_ path: String) throws {
        lock.lock()
        defer { lock.unlock() }
        var prefix = path.hasPrefix("/") ? "/" : ""
        var missing: [String] = []
        for component in path.split(separator: "/") {
            prefix += component
            if access(prefix, F_OK) != 0 { missing.append(prefix) }
            prefix += "/"
        }
        try base.createDirectory(path)
        createdSinceDirectorySync.formUnion(missing)
    }

    /// Removes a file, or a directory with everything in it.
    private func removeTree(_ path: String) throws {
        var info = stat()
        guard lstat(path, &info) == 0 else { return }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            for name in try base.listDirectory(path) { try removeTree(path + "/" + name) }
            if rmdir(path) != 0 { throw SystemCallError(call: "rmdir", errno: errno) }
        } else {
            try base.removeFile(path)
        }
    }

    /// Puts the files back as a power loss would leave them (see ``PowerLossMode``), then forgets
    /// all tracking. The log must not be in use. Deterministic for a given `seed`.
    public func simulatePowerLoss(_ mode: PowerLossMode, seed: UInt64 = 1) throws {
        lock.lock()
        defer { lock.unlock() }
        var rng = SplitMix64(seed: seed)
        if mode == .reorder {
            try undoOutOfOrder(&rng)
        } else {
            try undoInOrder(mode, &rng)
        }
        for (from, to) in renamedSinceDirectorySync.reversed() where !createdSinceDirectorySync.contains(to) {
            if access(to, F_OK) == 0 { try base.rename(to, to: from) }
        }
        // Deepest first, so a file goes before the new directory holding it.
        for path in createdSinceDirectorySync.sorted(by: { $0.count > $1.count }) where access(path, F_OK) == 0 {
            try removeTree(path)
        }
        for (path, contents) in removedSinceDirectorySync where access(path, F_OK) != 0 {
            let fd = try base.openFile(path, create: true)
            defer { base.closeFile(fd) }
            try contents.withUnsafeBytes { try base.writeAll(fd, $0, at: 0) }
        }
        undo.removeAll()
        createdSinceDirectorySync.removeAll()
        renamedSinceDirectorySync.removeAll()
        removedSinceDirectorySync.removeAll()
        paths.removeAll()
    }

    /// `.reorder`: every unsynced write is undone or kept independently; a kept one loses a random
    /// subset of its 512-byte sectors. A write whose sync failed is always undone.
    private func undoOutOfOrder(_ rng: inout SplitMix64) throws {
        for index in stride(from: undo.count - 1, through: 0, by: -1) {
            let record = undo[index]
            guard access(record.path, F_OK) == 0 else { continue }
            let fd = try base.openFile(record.path, create: false)
            defer { base.closeFile(fd) }
            if record.writebackFailed || rng.next() % 2 == 0 {
                try restore(record, fd: fd, keep: 0)
            } else {
                // Kept, but the disk may have written only some of its sectors.
                // Sectors are 512-byte blocks of the file, so the first piece ends at a boundary.
                var sector = 0
                while sector < record.oldBytes.count {
                    let end = min(record.oldBytes.count, sector + 512 - Int((record.offset + Int64(sector)) % 512))
                    if rng.next() % 4 == 0 {
                        try record.oldBytes.withUnsafeBytes { bytes throws in
                            try base.writeAll(fd, UnsafeRawBufferPointer(rebasing: bytes[sector..<end]), at: record.offset + Int64(sector))
                        }
                    }
                    sector = end
                }
            }
        }
    }

    /// Restores `record`'s old bytes from `keep` on, and its old size.
    private func restore(_ record: UndoRecord, fd: Int32, keep: Int) throws {
        if keep < record.oldBytes.count {
            try record.oldBytes.withUnsafeBytes { bytes throws in
                try base.writeAll(fd, UnsafeRawBufferPointer(rebasing: bytes[keep...]), at: record.offset + Int64(keep))
            }
        }
        let size = try base.fileSize(fd)
        let keptEnd = record.offset + Int64(keep)
        if size > record.oldSize { try base.truncate(fd, to: max(record.oldSize, keptEnd)) }
    }

    /// The in-order modes: a prefix of the unsynced writes survives (see ``PowerLossMode``). A write
    /// whose sync failed never survives.
    private func undoInOrder(_ mode: PowerLossMode, _ rng: inout SplitMix64) throws {
        // How many unsynced writes (oldest first) survive whole, and how much of the next one.
        var keepWhole = 0
        var tornBytes = 0
        switch mode {
        case .dropUnsynced:
            keepWhole = 0
        case .tornPrefix:
            keepWhole = undo.isEmpty ? 0 : Int(rng.next() % UInt64(undo.count + 1))
        case .tearLastWrite:
            keepWhole = max(0, undo.count - 1)
        case .reorder:
            preconditionFailure("handled by undoOutOfOrder")
        }
        if let firstFailed = undo.firstIndex(where: \.writebackFailed) { keepWhole = min(keepWhole, firstFailed) }
        if keepWhole < undo.count, mode != .dropUnsynced, undo[keepWhole].newLength > 0 {
            // A disk writes whole sectors: the tear falls on a 512-byte boundary of the file.
            let record = undo[keepWhole]
            let firstBoundary = Int((512 - record.offset % 512) % 512)
            let boundaries = stride(from: firstBoundary, to: record.newLength, by: 512).map { $0 }
            tornBytes = boundaries.isEmpty ? 0 : boundaries[Int(rng.next() % UInt64(boundaries.count))]
        }
        // Undo newest first, so older contents come back in the right order.
        for index in stride(from: undo.count - 1, through: keepWhole, by: -1) {
            let record = undo[index]
            guard access(record.path, F_OK) == 0 else { continue }
            let fd = try base.openFile(record.path, create: false)
            defer { base.closeFile(fd) }
            try restore(record, fd: fd, keep: index == keepWhole && !record.writebackFailed ? tornBytes : 0)
        }
    }
}
