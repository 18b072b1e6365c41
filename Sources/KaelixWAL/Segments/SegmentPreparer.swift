/// Prepares the next segment file on a background thread (created as `<id>.kwal.tmp`,
/// preallocated and synced), so that rotation only writes a header and renames it, instead of
/// zero-filling 128 MB while appenders wait. A leftover `.tmp` file is removed at recovery.
final class SegmentPreparer: @unchecked Sendable {
    private let fileSystem: any WALFileSystem
    private let directory: String
    private let capacity: Int
    private let preallocation: Preallocation
    private let lock = ConditionLock()
    private var inProgress: UInt64?
    private var ready: (id: UInt64, result: Result<Int32, any Error>)?

    init(log: WriteAheadLog) {
        fileSystem = log.fileSystem
        directory = log.directory
        capacity = log.configuration.segmentSize
        preallocation = log.configuration.preallocation
    }

    /// Starts preparing segment `id` unless it is already prepared or under way.
    func prepare(id: UInt64) {
        let start = lock.withLock { () -> Bool in
            if inProgress != nil || ready?.id == id { return false }
            if let old = ready { discard(old) }
            ready = nil
            inProgress = id
            return true
        }
        guard start else { return }
        BackgroundThread.spawn { [self] in
            let result = Result { () throws -> Int32 in
                try SegmentPreparer.createFile(
                    id: id, fileSystem: fileSystem, directory: directory,
                    capacity: capacity, preallocation: preallocation)
            }
            lock.withLock {
                ready = (id, result)
                inProgress = nil
                lock.broadcast()
            }
        }
    }

    /// The prepared file descriptor of segment `id`, waiting for it if it is under way; nil when
    /// it was never requested (the caller then prepares it itself). A failed preparation throws.
    func take(id: UInt64) throws -> Int32? {
        lock.lock()
        defer { lock.unlock() }
        while inProgress == id { lock.wait() }
        guard let current = ready, current.id == id else { return nil }
        ready = nil
        return try current.result.get()
    }

    /// Waits for any preparation under way and deletes what it produced.
    func cancel() {
        lock.lock()
        defer { lock.unlock() }
        while inProgress != nil { lock.wait() }
        if let old = ready { discard(old) }
        ready = nil
    }

    private func discard(_ prepared: (id: UInt64, result: Result<Int32, any Error>)) {
        if case .success(let fd) = prepared.result {
            fileSystem.closeFile(fd)
            try? fileSystem.removeFile(SegmentPreparer.temporaryPath(directory: directory, id: prepared.id))
        }
    }

    static func temporaryPath(directory: String, id: UInt64) -> String {
        directory + "/" + Segment.fileName(id: id) + ".tmp"
    }

    /// Creates and preallocates the temporary file of segment `id` and syncs it.
    static func createFile(
        id: UInt64, fileSystem: any WALFileSystem, directory: String,
        capacity: Int, preallocation: Preallocation
    ) throws -> Int32 {
        let path = temporaryPath(directory: directory, id: id)
        try? fileSystem.removeFile(path)
        let fd: Int32
        do { fd = try fileSystem.openFile(path, create: true) } catch { throw error.walError(path: path) }
        do {
            switch preallocation {
            case .zeroFill:
                let chunk = [UInt8](repeating: 0, count: min(capacity, 1 << 20))
                var offset = 0
                while offset < capacity {
                    let n = min(chunk.count, capacity - offset)
                    try chunk.withUnsafeBytes { bytes throws in
                        try fileSystem.writeAll(fd, UnsafeRawBufferPointer(rebasing: bytes[0..<n]), at: Int64(offset))
                    }
                    offset += n
                }
            case .fallocate:
                try fileSystem.allocate(fd, offset: 0, length: Int64(capacity))
            case .sparse:
                try fileSystem.truncate(fd, to: Int64(capacity))
            }
            try fileSystem.dataSync(fd)
        } catch {
            fileSystem.closeFile(fd)
            try? fileSystem.removeFile(path)
            throw error.walError(path: path)
        }
        return fd
    }
}
