import Glibc
import Synchronization

/// The Kaelix write-ahead log: CRC-framed records in segment files, appended in batches through
/// group commit, read through memory mappings, recovered after a crash, shared by many named
/// streams, with atomic transactions and a replay API.
///
/// Positions are dense and unique across streams, starting at 0. One process owns a log
/// directory at a time (an advisory lock enforces it). All methods are thread-safe.
///
/// ```swift
/// let wal = try WriteAheadLog.open(directory: "/var/lib/kaelix/wal")
/// let orders = try wal.stream(named: "orders")
/// let position = try wal.append(Array("hello".utf8), to: orders)
/// let record = try wal.read(at: position)
/// ```
public final class WriteAheadLog: @unchecked Sendable {
    /// The directory holding the segment files.
    public let directory: String
    public let configuration: WALConfiguration
    /// What the open found and repaired.
    public internal(set) var recoveryReport = RecoveryReport()

    let fileSystem: any WALFileSystem
    var directoryLock: DirectoryLock?

    // Commit pipeline, guarded by `commitLock`.
    let commitLock = ConditionLock()
    var pending: PendingGroup
    /// The last flushed group, reused for the next one (see `nextGroup()`).
    var spareGroup: PendingGroup?
    var leaderActive = false
    var leaderWaitingForBatch = false
    /// What a leader waiting for more appenders to join its group waits on (with `commitLock`);
    /// `commitLock`'s own condition is for appenders waiting for room and for `close()`.
    let leaderCondition = LockCondition()
    /// Appenders inside `commit` that have not yet enqueued their frame.
    let arrivingAppenders = Atomic<Int>(0)
    /// The first failure that stopped the log (``failStop(_:)``); with `commitLock`.
    var failure: WALError?
    /// Whether ``failure`` is set, readable without the lock: the writer looks before every
    /// write and sync, and a lock pair there was one of four an append took.
    let hasFailed = Atomic<Bool>(false)
    var isClosed = false

    // Writer state: touched only by the current commit leader (one at a time), and by rotation
    // and the interval syncer under `syncLock`.
    let syncLock = ConditionLock()
    var activeSegment: Segment!
    var nextPosition: UInt64 = 0
    let durableBefore = Atomic<UInt64>(0)
    let writtenBefore = Atomic<UInt64>(0)
    var preparer: SegmentPreparer?
    var intervalSyncer: IntervalSyncer?

    // Read side, guarded by `indexLock`; its condition wakes tailing readers.
    let indexLock = ConditionLock()
    var segments: [Segment] = []
    var visibleEnd: UInt64 = 0
    var streamsByID: [StreamState?] = []
    var streamIDsByName: [String: StreamID] = [:]
    var asyncWaiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
    var nextWaiterID: UInt64 = 0

    /// Inflated compressed frames, bounded by ``WALConfiguration/inflatedCacheBytes``.
    let inflatedFrames: InflatedFrameCache

    /// Whether the log was opened with ``openReadOnly(directory:configuration:fileSystem:)``.
    public private(set) var isReadOnly = false

    /// Runs before a read checksums a sealed segment (tests use it to see which locks are held).
    var beforeVerifyingSegment: (() -> Void)?

    /// Serializes stream creation, so a name is defined once.
    let streamCreationLock = ConditionLock()

    init(directory: String, configuration: WALConfiguration, fileSystem: any WALFileSystem) {
        self.directory = directory
        self.configuration = configuration
        self.fileSystem = fileSystem
        self.pending = PendingGroup(buffer: WriteBuffer())
        self.inflatedFrames = InflatedFrameCache(budget: configuration.inflatedCacheBytes)
    }

    /// Opens (creating if needed) the log in `directory` and recovers it: the unsealed tail is
    /// checksummed and a torn tail truncated; corruption of durable data stops the open with
    /// ``WALError/corruption(path:offset:reason:)``. See ``recoveryReport`` for what was done.
    public static func open(
        directory: String, configuration: WALConfiguration = WALConfiguration(),
        fileSystem: any WALFileSystem = PosixFileSystem()
    ) throws -> WriteAheadLog {
        try configuration.validate()
        let log = WriteAheadLog(directory: directory, configuration: configuration, fileSystem: fileSystem)
        do {
            try log.acquireDirectoryLock()
            try log.recover()
        } catch {
            log.releaseResources()
            throw error
        }
        log.startBackgroundWork()
        return log
    }

    /// Opens the log in `directory` for reading only, changing nothing on disk: for inspecting a
    /// log on a read-only mount, a copy, or one a crash left behind, before deciding anything.
    ///
    /// It takes a shared lock (any number of readers, no writer) and needs only read access. The
    /// tail is checked as ``open(directory:configuration:fileSystem:)`` would and every finding is
    /// in ``recoveryReport``, but nothing is cut, synced, created or deleted: a torn tail is reported
    /// and left for the next writer to cut. Appends, stream creation and retention throw
    /// ``WALError/readOnly(path:)``. With the default ``WALConfiguration/ReadStrategy/memoryMap``, a
    /// segment file that another process shrinks while it is open faults a reader with SIGBUS, as any
    /// mapping would; `readStrategy = .pread` reads each segment into memory at open instead.
    public static func openReadOnly(
        directory: String, configuration: WALConfiguration = WALConfiguration(),
        fileSystem: any WALFileSystem = PosixFileSystem()
    ) throws -> WriteAheadLog {
        try configuration.validate()
        let log = WriteAheadLog(directory: directory, configuration: configuration, fileSystem: fileSystem)
        log.isReadOnly = true
        do {
            log.directoryLock = try DirectoryLock(directory: directory, shared: true)
            try log.recover()
        } catch {
            log.releaseResources()
            throw error
        }
        return log
    }

    deinit { releaseResources() }

    /// Syncs everything written, stops background threads and releases files. Reads and writes
    /// fail with ``WALError/closed`` afterwards.
    public func close() throws {
        let alreadyClosed = commitLock.withLock { () -> Bool in
            let was = isClosed
            isClosed = true
            while leaderActive { commitLock.wait() }
            return was
        }
        if alreadyClosed { return }
        intervalSyncer?.stop()
        var syncError: WALError?
        syncLock.withLock {
            if !isReadOnly, let segment = activeSegment, segment.fd >= 0, stopFailure() == nil {
                do { try dataSyncLocked(segment) } catch { syncError = error.walError(path: segment.path) }
            }
        }
        releaseResources()
        if let syncError { throw syncError }
    }

    /// Stops without syncing or sealing anything, as a crash would; for crash tests. The files keep
    /// whatever was written so far.
    public func abandon() {
        commitLock.withLock {
            isClosed = true
            while leaderActive { commitLock.wait() }
        }
        releaseResources()
    }

    func releaseResources() {
        intervalSyncer?.stop()
        intervalSyncer = nil
        preparer?.cancel()
        preparer = nil
        indexLock.withLock {
            for segment in segments where segment.fd >= 0 {
                fileSystem.closeFile(segment.fd)
                segment.fd = -1
            }
            segments.removeAll()
            for (_, waiter) in asyncWaiters { waiter.resume() }
            asyncWaiters.removeAll()
            indexLock.broadcast()
        }
        directoryLock?.release()
        directoryLock = nil
    }

    /// Creates the directory if needed and syncs its parent, so a new log's directory entry
    /// survives a power loss (etcd syncs the parent for the same reason), then takes the lock.
    private func acquireDirectoryLock() throws {
        do { try fileSystem.createDirectory(directory) } catch { throw error.walError(path: directory) }
        let trimmed = directory.hasSuffix("/") && directory.count > 1 ? String(directory.dropLast()) : directory
        let parent = trimmed.lastIndex(of: "/").map { $0 == trimmed.startIndex ? "/" : String(trimmed[..<$0]) } ?? "."
        do { try fileSystem.syncDirectory(parent) } catch { throw error.walError(path: parent) }
        directoryLock = try DirectoryLock(directory: directory)
    }

    private func startBackgroundWork() {
        if case .interval(let milliseconds) = configuration.syncPolicy {
            let syncer = IntervalSyncer(log: self, milliseconds: milliseconds)
            intervalSyncer = syncer
            syncer.start()
        }
        if configuration.prepareSegmentsInBackground {
            preparer = SegmentPreparer(log: self)
            preparer?.prepare(id: activeSegment.id + 1)
        }
    }

    // MARK: - Streams

    /// The stream called `name`, created (durably, as one control frame) on first use.
    public func stream(named name: String) throws -> StreamID {
        if name.isEmpty { return .default }
        if let id = indexLock.withLock({ streamIDsByName[name] }) { return id }
        streamCreationLock.lock()
        defer { streamCreationLock.unlock() }
        if let id = indexLock.withLock({ streamIDsByName[name] }) { return id }
        let id = StreamID(rawValue: UInt32(indexLock.withLock { streamsByID.count }))
        try commit(type: .streamDefinition, flags: 0, recordCount: 0) { buffer in
            StreamDefinition(id: id.rawValue, name: name, sequenceBase: 0).encode(into: buffer)
        }
        return id
    }

    /// The id of an existing stream, or nil if `name` was never created.
    public func existingStream(named name: String) -> StreamID? {
        if name.isEmpty { return .default }
        return indexLock.withLock { streamIDsByName[name] }
    }

    /// The names of all streams, by id (index 0 is the default stream, "").
    public var streamNames: [String] {
        indexLock.withLock { streamsByID.map { $0?.name ?? "" } }
    }

    /// Number of records in `stream`.
    public func recordCount(in stream: StreamID) -> UInt64 {
        indexLock.withLock { stateOfStream(stream)?.count ?? 0 }
    }

    /// Called with `indexLock` held.
    func stateOfStream(_ id: StreamID) -> StreamState? {
        Int(id.rawValue) < streamsByID.count ? streamsByID[Int(id.rawValue)] : nil
    }

    /// Records a stream definition; called with `indexLock` held (at publish and during recovery).
    /// A restated definition (the stream table at the head of a segment) sets the numbering of a
    /// stream that has no record indexed yet: the first retained segment's table says how many
    /// records retention removed.
    /// Returns false, changing nothing, for a definition no log writes: ids are given out densely
    /// (a new stream's id is the number of streams before it), and a stream keeps its name. On disk
    /// such a definition is damage; trusting it would let one frame allocate billions of entries.
    @discardableResult
    func defineStream(id: UInt32, name: String, sequenceBase: UInt64 = 0) -> Bool {
        let index = Int(id)
        if index < streamsByID.count, let existing = streamsByID[index] {
            guard existing.name == name else { return false }
        } else {
            guard index == streamsByID.count, streamIDsByName[name] == nil else { return false }
            streamsByID.append(StreamState(id: StreamID(rawValue: id), name: name))
            streamIDsByName[name] = StreamID(rawValue: id)
        }
        streamsByID[index]!.setSequenceBase(sequenceBase)
        return true
    }

    /// Why a frame's definitions cannot all be applied (see ``defineStream(id:name:sequenceBase:)``),
    /// or nil when they can; checked before any is applied, so a damaged frame defines nothing.
    ///
    /// A definition of a stream that already has records is the restated table at the head of a
    /// segment: its `sequenceBase` must equal the records the segments before it hold for that
    /// stream. This checks, at open, the stream ids of sealed segments' records, whose checksums
    /// are only verified on first read.
    func problemDefining(_ definitions: [StreamDefinition]) -> String? {
        var added: [UInt32: String] = [:]
        var addedNames: Set<String> = []
        for d in definitions {
            let index = Int(d.id)
            if index < streamsByID.count, let existing = streamsByID[index] {
                guard existing.name == d.name else { return "a stream definition renames stream \(d.id)" }
                if existing.count > 0 || !existing.runs.isEmpty, existing.count != d.sequenceBase {
                    return "the stream table says stream \(d.id) had \(d.sequenceBase) records before this segment, "
                        + "the segments before it hold \(existing.count): a record's stream id was damaged"
                }
            } else if let name = added[d.id] {
                guard name == d.name else { return "a stream definition renames stream \(d.id)" }
            } else {
                guard index == streamsByID.count + added.count, streamIDsByName[d.name] == nil, addedNames.insert(d.name).inserted
                else { return "a stream definition skips an id or renames a stream" }
                added[d.id] = d.name
            }
        }
        return nil
    }

    /// Applies a frame's definitions when all of them can be applied; returns why not otherwise
    /// (see ``problemDefining(_:)``), defining nothing.
    func defineAll(_ definitions: [StreamDefinition]) -> String? {
        if let problem = problemDefining(definitions) { return problem }
        for d in definitions { defineStream(id: d.id, name: d.name, sequenceBase: d.sequenceBase) }
        return nil
    }

    /// The stream table as definitions, each with its record count so far; `indexLock` must be held.
    func streamTable() -> [StreamDefinition] {
        streamsByID.compactMap { state in
            state.map { StreamDefinition(id: $0.id.rawValue, name: $0.name, sequenceBase: $0.count) }
        }
    }

    // MARK: - Positions and retention

    /// One past the last visible record: the position the next append will get.
    public var endPosition: UInt64 { indexLock.withLock { visibleEnd } }

    /// The oldest position still stored (retention may have removed older ones).
    public var startPosition: UInt64 { indexLock.withLock { segments.first?.basePosition ?? visibleEnd } }

    /// The file of the segment appends go to, and how many of its bytes hold frames.
    public var tailSegment: (path: String, writtenBytes: Int) {
        indexLock.withLock { (segments.last?.path ?? "", segments.last?.writeOffset ?? 0) }
    }

    /// Number of segment files.
    public var segmentCount: Int { indexLock.withLock { segments.count } }

    /// Deletes sealed segments whose records all lie below `position`, then syncs the directory.
    /// Returns how many segments were removed. The active segment is never removed.
    @discardableResult
    public func truncate(below position: UInt64) throws -> Int {
        if isReadOnly { throw WALError.readOnly(path: directory) }
        let (doomed, manifest): ([Segment], SegmentManifest?) = indexLock.withLock {
            var result: [Segment] = []
            while segments.count > 1, segments[0].sealed, segments[0].endPosition <= position {
                result.append(segments.removeFirst())
            }
            if let first = segments.first?.basePosition {
                for state in streamsByID { state?.forget(below: first) }
            }
            return (result, segments.first.map { SegmentManifest(lowest: $0.id, highest: segments.last!.id) })
        }
        guard !doomed.isEmpty else { return 0 }
        // The manifest first: a crash halfway through the deletions leaves segments below its
        // lowest, which the next open deletes; never a manifest naming deleted segments.
        if let manifest { try manifest.write(directory: directory, fileSystem: fileSystem) }
        for segment in doomed {
            do { try fileSystem.removeFile(segment.path) } catch { throw error.walError(path: segment.path) }
            // Its index, if it has one (an orphan left by a crash here is removed by the next open).
            try? fileSystem.removeFile(directory + "/" + SegmentIndexFile.fileName(id: segment.id))
        }
        do { try fileSystem.syncDirectory(directory) } catch { throw error.walError(path: directory) }
        return doomed.count
    }
}
