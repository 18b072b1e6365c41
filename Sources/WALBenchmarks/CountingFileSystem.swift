import KaelixWAL
import Synchronization

/// Passes every call to the real file system and counts the writes, syncs and bytes, so the
/// suite can report exact per-message counters (they need no statistics: the same code makes the
/// same calls every round).
final class CountingFileSystem: WALFileSystem {
    private let base = PosixFileSystem()
    let writes = Atomic<Int>(0)
    let syncs = Atomic<Int>(0)
    let bytes = Atomic<Int>(0)

    func reset() {
        writes.store(0, ordering: .relaxed)
        syncs.store(0, ordering: .relaxed)
        bytes.store(0, ordering: .relaxed)
    }

    func openFile(_ path: String, create: Bool) throws -> Int32 { try base.openFile(path, create: create) }
    func closeFile(_ fd: Int32) { base.closeFile(fd) }
    func write(_ fd: Int32, _ buffer: UnsafeRawBufferPointer, at offset: Int64) throws -> Int {
        writes.add(1, ordering: .relaxed)
        let n = try base.write(fd, buffer, at: offset)
        bytes.add(n, ordering: .relaxed)
        return n
    }
    func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) throws -> Int {
        try base.read(fd, into: buffer, at: offset)
    }
    func dataSync(_ fd: Int32) throws {
        syncs.add(1, ordering: .relaxed)
        try base.dataSync(fd)
    }
    func allocate(_ fd: Int32, offset: Int64, length: Int64) throws {
        try base.allocate(fd, offset: offset, length: length)
    }
    func truncate(_ fd: Int32, to length: Int64) throws { try base.truncate(fd, to: length) }
    func fileSize(_ fd: Int32) throws -> Int64 { try base.fileSize(fd) }
    func syncDirectory(_ path: String) throws {
        syncs.add(1, ordering: .relaxed)
        try base.syncDirectory(path)
    }
    func rename(_ from: String, to: String) throws { try base.rename(from, to: to) }
    func removeFile(_ path: String) throws { try base.removeFile(path) }
    func listDirectory(_ path: String) throws -> [String] { try base.listDirectory(path) }
    func createDirectory(_ path: String) throws { try base.createDirectory(path) }

    /// The counters per message for `messages` messages since the last reset. They are exact
    /// (the same every round for the same code, gated without statistics) only when `exact`: one
    /// writer, no timer-driven syncs, no background segment preparation. Otherwise group-commit
    /// batching, the interval syncer or the preparer make them depend on timing, and they are
    /// reported as ordinary (statistically gated) metrics.
    func perMessage(_ messages: Int, exact: Bool) -> [MeasuredValue] {
        let n = Double(max(messages, 1))
        func spec(_ base: MetricSpec) -> MetricSpec { exact ? base : base.timingDependent }
        return [
            MeasuredValue(spec(.syncsPerMessage), Double(syncs.load(ordering: .relaxed)) / n),
            MeasuredValue(spec(.writesPerMessage), Double(writes.load(ordering: .relaxed)) / n),
            MeasuredValue(spec(.bytesWrittenPerMessage), Double(bytes.load(ordering: .relaxed)) / n),
        ]
    }
}
