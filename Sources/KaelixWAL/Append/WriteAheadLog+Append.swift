import CKaelixSupport
import Synchronization

/// Appends arrive here from any thread. Each call encodes its frame into the pending group under
/// the commit lock; the first caller to find no leader becomes the leader, takes the whole group,
/// writes it with one `pwrite` per segment touched, syncs it as the policy demands, publishes it to
/// readers and wakes the others (leader/follower group commit, as in RocksDB's WriteThread).
/// Positions are assigned by the leader in write order, so they stay dense even when a write fails.
extension WriteAheadLog {
    /// Appends one record and returns its position, once acknowledged under the sync policy.
    @discardableResult
    public func append(_ payload: [UInt8], to stream: StreamID = .default) throws -> UInt64 {
        try payload.withUnsafeBytes { bytes throws in try append(bytes: bytes, to: stream) }
    }

    /// Appends one record from raw bytes (copied before returning).
    @discardableResult
    public func append(bytes: UnsafeRawBufferPointer, to stream: StreamID = .default) throws -> UInt64 {
        try checkStream(stream)
        return try commitIndexed(type: .data, flags: 0, recordCount: 1) { buffer, checkpoints in
            buffer.reserve(bytes.count + 10)
            buffer.appendVarint(UInt64(stream.rawValue))
            buffer.appendVarint(UInt64(bytes.count))
            buffer.append(bytes)
            // Its one record is its only checkpoint, the body's start, which goes without saying:
            // publishing indexes it without walking it, and the group's offsets stay empty.
            return stream.rawValue
        }
    }

    /// Appends records to one stream as one frame (one header, one checksum, one system call) and
    /// returns their positions. The batch is atomic: after a crash all of it is there or none.
    @discardableResult
    public func append(batch payloads: [[UInt8]], to stream: StreamID = .default) throws -> Range<UInt64> {
        guard !payloads.isEmpty else {
            let end = endPosition
            return end..<end
        }
        try checkStream(stream)
        let streamVarint = UInt64(stream.rawValue)
        let streamBytes = Varint.size(streamVarint)
        let stride = Int(Segment.checkpointStride)
        let base = try commitIndexed(type: .data, flags: 0, recordCount: payloads.count) { buffer, checkpoints in
            // One reservation, then plain pointer writes: no bounds or exclusivity check, no
            // reference count per record (the per-record path cost ~170 instructions a message),
            // and the checkpoints noted on the way, so that publishing does not walk the records.
            let needed = checkpoints.count + (payloads.count - 1) / stride
            if checkpoints.capacity < needed { checkpoints.reserveCapacity(max(needed, 2 * checkpoints.capacity)) }
            payloads.withUnsafeBufferPointer { payloads in
                var total = 0
                for i in payloads.indices { total += payloads[i].count + streamBytes + Varint.size(UInt64(payloads[i].count)) }
                buffer.write(reserving: total) { start in
                    var p = start
                    // The first record's checkpoint is the body's start: only the later ones are noted.
                    var untilCheckpoint = stride
                    for i in payloads.indices {
                        if untilCheckpoint == 0 {
                            checkpoints.append(UInt32(truncatingIfNeeded: p - start))
                            untilCheckpoint = stride
                        }
                        untilCheckpoint -= 1
                        p += Varint.write(streamVarint, to: p)
                        payloads[i].withUnsafeBytes { bytes in
                            p += Varint.write(UInt64(bytes.count), to: p)
                            if bytes.count > 0 { p.copyMemory(from: bytes.baseAddress!, byteCount: bytes.count) }
                            p += bytes.count
                        }
                    }
                    return p - start
                }
            }
            return stream.rawValue
        }
        return base..<(base + UInt64(payloads.count))
    }

    /// Appends records for any streams as one atomic frame; `transactional` marks it as a
    /// committed transaction (see ``WALTransaction``).
    @discardableResult
    public func append(entries: [WALEntry], transactional: Bool = false) throws -> Range<UInt64> {
        guard !entries.isEmpty else {
            let end = endPosition
            return end..<end
        }
        for entry in entries { try checkStream(entry.stream) }
        let base = try commit(
            type: .data, flags: transactional ? FrameLayout.transactionalFlag : 0,
            recordCount: entries.count
        ) { buffer in
            for entry in entries {
                buffer.appendVarint(UInt64(entry.stream.rawValue))
                buffer.appendVarint(UInt64(entry.payload.count))
                entry.payload.withUnsafeBytes { buffer.append($0) }
            }
        }
        return base..<(base + UInt64(entries.count))
    }

    /// Forces everything written so far to disk (useful under ``SyncPolicy/none``).
    public func sync() throws {
        if isReadOnly { return }
        if let failure = stopFailure() { throw failure }
        syncActiveSegment()
        if let failure = stopFailure() { throw failure }
    }

    /// The one place a segment is fdatasynced; called with `syncLock` held, so no two syncs of the
    /// log ever run at once. On Linux a failed fdatasync drops the dirty pages and marks them clean:
    /// a second sync racing with it, or any later one, returns 0 for data that never reached the
    /// disk ("fsyncgate"). So a sync is refused once any sync (or write) has failed, and a failure
    /// stops the log before the lock is released: nothing is acknowledged after it.
    func dataSyncLocked(_ segment: Segment) throws {
        if let failure = stopFailure() { throw failure }
        do { try fileSystem.dataSync(segment.fd) } catch {
            let walError = error.walError(path: segment.path)
            failStop(walError)
            throw WALError.failStopped(cause: walError.description)
        }
    }

    /// Stops the log when `segment`'s file was unlinked while the log runs (by hand, by a cleaner):
    /// what is acknowledged into it is gone at the next open, which the manifest makes refuse the
    /// log. Checked by `sync()`, the interval syncer and rotation, not after every group commit: an
    /// fstat right after fdatasync cost ~80 µs per append here (`perfgate compare --against`).
    func checkLinked(_ segment: Segment) throws {
        guard fileSystem.linkCount(segment.fd) == 0 else { return }
        let walError = WALError.corruption(path: segment.path, offset: 0, reason: "the segment file was deleted while the log was using it")
        failStop(walError)
        throw WALError.failStopped(cause: walError.description)
    }

    private func checkStream(_ stream: StreamID) throws {
        if stream.rawValue == 0 { return }
        let known = indexLock.withLock { stateOfStream(stream) != nil }
        if !known { throw WALError.unknownStream("\(stream)") }
    }

    /// Encodes one frame into the pending group, waits until a leader has committed it, and
    /// returns the position of its first record.
    @discardableResult
    func commit(
        type: FrameType, flags: UInt8, recordCount: Int,
        encode: (WriteBuffer) -> Void
    ) throws -> UInt64 {
        try commitIndexed(type: type, flags: flags, recordCount: recordCount) { buffer, _ in
            encode(buffer)
            return nil
        }
    }

    /// ``commit(type:flags:recordCount:encode:)`` for an encoder that indexes its frame as it
    /// writes it (records of one stream, the first written right after the header): it appends the
    /// body offset of every ``Segment/checkpointStride``-th record after the first (whose
    /// checkpoint is the body's start) to the array it is given and returns the stream, so that
    /// publishing need not walk the records again (nil: not indexed).
    func commitIndexed(
        type: FrameType, flags: UInt8, recordCount: Int,
        encode: (WriteBuffer, inout [UInt32]) -> UInt32?
    ) throws -> UInt64 {
        if isReadOnly { throw WALError.readOnly(path: directory) }
        arrivingAppenders.add(1, ordering: .relaxed)
        commitLock.lock()
        // Back-pressure: a full group waits for the leader rather than growing without bound.
        while leaderActive && pending.recordCount >= configuration.maxBatchRecords && failure == nil && !isClosed {
            commitLock.wait()
        }
        if let failure {
            arrivingAppenders.subtract(1, ordering: .relaxed)
            commitLock.unlock()
            throw failure
        }
        if isClosed {
            arrivingAppenders.subtract(1, ordering: .relaxed)
            commitLock.unlock()
            throw WALError.closed
        }
        let group = pending
        let buffer = group.buffer
        let start = buffer.count
        let firstCheckpoint = group.checkpointOffsets.count
        buffer.appendZeros(FrameLayout.headerSize)
        var frameIndex = encode(buffer, &group.checkpointOffsets).map {
            PendingGroup.FrameIndex(stream: $0, checkpoints: firstCheckpoint..<group.checkpointOffsets.count)
        }
        // Bounded before compression too, so an inflated body never exceeds a segment.
        guard buffer.count - start <= configuration.maxFrameLength else {
            let length = buffer.count - start
            buffer.count = start
            group.checkpointOffsets.removeSubrange(firstCheckpoint...)
            arrivingAppenders.subtract(1, ordering: .relaxed)
            commitLock.unlock()
            throw WALError.recordTooLarge(bytes: length, limit: configuration.maxFrameLength)
        }
        var flags = flags
        if type == .data, case .zlib(let level) = configuration.compression,
            buffer.count - start - FrameLayout.headerSize >= configuration.compressionThreshold,
            compressBody(buffer, bodyStart: start + FrameLayout.headerSize, level: level)
        {
            flags |= FrameLayout.compressedFlag
            frameIndex = nil  // checkpoints of a compressed frame point into its inflated copy
            group.checkpointOffsets.removeSubrange(firstCheckpoint...)
        }
        let padding = FrameLayout.padding(for: buffer.count - start)
        buffer.appendZeros(padding)
        let length = buffer.count - start
        arrivingAppenders.subtract(1, ordering: .relaxed)
        guard length <= configuration.maxFrameLength else {
            buffer.count = start
            group.checkpointOffsets.removeSubrange(firstCheckpoint...)
            commitLock.unlock()
            throw WALError.recordTooLarge(bytes: length, limit: configuration.maxFrameLength)
        }
        FrameHeader(
            length: UInt32(length), type: type, flags: flags, padding: UInt8(padding),
            recordCount: UInt32(recordCount)
        ).write(to: buffer.base + start)
        let index = group.frames.count
        group.frames.append(
            .init(offset: start, length: length, recordCount: recordCount, type: type, firstRecord: group.recordCount, index: frameIndex))
        group.recordCount += recordCount
        if leaderWaitingForBatch { leaderCondition.signal() }
        while !group.done {
            if !leaderActive {
                lead()
                continue
            }
            // A follower sleeps without the lock, and wakes to read its result without it: when a
            // group of many is done, its followers do not all queue on the commit lock (each wait
            // for the lock is one more sleep and wake-up, on two cores a few µs of the next
            // group's time).
            commitLock.unlock()
            if group.sleepUntilDoneOrOffered() { return try group.result(index).get() }
            commitLock.lock()
        }
        let result = group.result(index)
        commitLock.unlock()
        return try result.get()
    }

    /// Replaces the records area from `bodyStart` to the buffer's end with `u32 length + zlib
    /// stream` when that is smaller. Returns whether it did.
    private func compressBody(_ buffer: WriteBuffer, bodyStart: Int, level: Int) -> Bool {
        let length = buffer.count - bodyStart
        let capacity = kaelix_deflate_bound(length)
        let scratch = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 8)
        defer { scratch.deallocate() }
        let compressed = Int(kaelix_deflate(buffer.base + bodyStart, length, scratch, capacity, Int32(level)))
        guard compressed > 0, compressed + 4 < length else { return false }
        (buffer.base + bodyStart).storeBytes(of: UInt32(length).littleEndian, as: UInt32.self)
        (buffer.base + bodyStart + 4).copyMemory(from: scratch, byteCount: compressed)
        buffer.count = bodyStart + 4 + compressed
        return true
    }

    /// Becomes the leader: optionally waits a moment for concurrent appenders to join the group,
    /// then flushes it outside the lock. Called and returns with `commitLock` held.
    private func lead() {
        if isClosed {
            // close() released the files: nothing more is written; these appends were never acknowledged.
            let group = pending
            pending = PendingGroup(buffer: WriteBuffer())
            group.fail(from: 0, .closed)
            group.finish()
            commitLock.broadcast()
            return
        }
        leaderActive = true
        waitForArrivingAppenders()
        let group = pending
        pending = nextGroup()
        // Appenders waiting for room may join the new group now.
        if group.recordCount >= configuration.maxBatchRecords { commitLock.broadcast() }
        commitLock.unlock()
        flush(group)
        commitLock.lock()
        group.buffer.count = 0
        group.buffer.trim(to: 16 << 20)
        spareGroup = group
        leaderActive = false
        // Wake exactly what can act: one follower of the next group to lead it (the rest sleep
        // on until their group is done), this group's followers to return, and `close()` or
        // appenders waiting for room. Waking every waiter here (one condition for all) cost
        // a context switch per waiter per group commit.
        if !pending.frames.isEmpty { pending.offerLead() }
        group.finish()
        commitLock.broadcast()
    }

    /// Gives appenders already inside `commit()` up to the configured delay to join the group.
    /// Called and returns with `commitLock` held.
    private func waitForArrivingAppenders() {
        let delay = configuration.maxBatchDelayNanoseconds
        guard delay > 0, arrivingAppenders.load(ordering: .relaxed) > 0, pending.recordCount < configuration.maxBatchRecords else {
            return
        }
        let deadline = monotonicNanos() + delay
        leaderWaitingForBatch = true
        while arrivingAppenders.load(ordering: .relaxed) > 0, pending.recordCount < configuration.maxBatchRecords,
            monotonicNanos() < deadline
        {
            leaderCondition.wait(on: commitLock, untilMonotonicNanos: deadline)
        }
        leaderWaitingForBatch = false
    }

    /// The group the next appends join: the last flushed group again once no appender still
    /// holds it for its result (always so with one writer: no allocation per append), else a new
    /// one around that group's buffer. Called with `commitLock` held.
    private func nextGroup() -> PendingGroup {
        defer { spareGroup = nil }
        guard spareGroup != nil else { return PendingGroup(buffer: WriteBuffer()) }
        if isKnownUniquelyReferenced(&spareGroup) {
            let group = spareGroup!
            group.reset()
            return group
        }
        // Appenders of the old group may still read their results from it, never its buffer.
        return PendingGroup(buffer: spareGroup!.buffer)
    }

    /// The failure that stopped the log, if any: read without the lock while there is none.
    @inline(__always) func stopFailure() -> WALError? {
        hasFailed.load(ordering: .acquiring) ? commitLock.withLock { failure } : nil
    }

    /// Records the first sync failure; from then on the log refuses writes (fail-stop).
    func failStop(_ error: WALError) {
        commitLock.withLock {
            if failure == nil { failure = .failStopped(cause: error.description) }
            hasFailed.store(true, ordering: .releasing)
            commitLock.broadcast()
            leaderCondition.broadcast()
        }
    }

    private var policy: SyncPolicy { configuration.syncPolicy }

    /// Writes the group's frames segment by segment and records their outcomes in the group.
    private func flush(_ group: PendingGroup) {
        let frames = group.frames
        let buffer = group.buffer
        group.basePosition = nextPosition
        var i = 0
        while i < frames.count {
            // After a failure anywhere (a sync of the interval syncer, say), nothing more is written or acknowledged.
            if let failure = stopFailure() {
                group.fail(from: i, failure)
                return
            }
            let segment = activeSegment!
            let room = segment.sealed ? 0 : segment.capacity - segment.writeOffset - FrameLayout.sealFrameSize
            var j = i
            var bytes = 0
            while j < frames.count, bytes + frames[j].length <= room, policy != .everyWrite || j == i {
                bytes += frames[j].length
                j += 1
            }
            if j == i {
                do {
                    try rotate()
                    continue
                } catch {
                    group.fail(from: i, error.walError(path: segment.path))
                    return
                }
            }
            // Stamp positions, segment id, durability mark and checksum into each frame.
            var position = nextPosition
            let durable = durableBefore.load(ordering: .acquiring)
            for k in i..<j {
                let frame = buffer.base + frames[k].offset
                frame.storeBytes(of: UInt32(truncatingIfNeeded: segment.id).littleEndian, toByteOffset: 16, as: UInt32.self)
                frame.storeBytes(of: position.littleEndian, toByteOffset: 24, as: UInt64.self)
                frame.storeBytes(of: durable.littleEndian, toByteOffset: 32, as: UInt64.self)
                FrameHeader.sealCRC(frame: frame, length: frames[k].length)
                assert(position == group.basePosition + UInt64(frames[k].firstRecord), "a group's frames take positions in order")
                position += UInt64(frames[k].recordCount)
            }
            let chunk = UnsafeRawBufferPointer(start: buffer.base + frames[i].offset, count: bytes)
            do {
                try fileSystem.writeAll(segment.fd, chunk, at: Int64(segment.writeOffset))
            } catch {
                let walError = error.walError(path: segment.path)
                if case .diskFull = walError {} else { failStop(walError) }
                group.fail(from: i, walError)
                return
            }
            writtenBefore.store(position, ordering: .releasing)
            if policy.acknowledgesAfterSync {
                do {
                    try syncLock.withLock {
                        try dataSyncLocked(segment)
                        durableBefore.store(position, ordering: .releasing)
                    }
                } catch {
                    group.fail(from: i, error.walError(path: segment.path))
                    return
                }
            }
            publish(frames: frames[i..<j], of: group, segment: segment, end: position)
            nextPosition = position
            i = j
        }
    }

    /// Makes written frames visible to readers: indexes them and advances the visible end.
    private func publish(frames: ArraySlice<PendingGroup.Frame>, of group: PendingGroup, segment: Segment, end: UInt64) {
        let buffer = group.buffer
        if segment.mapping.isCopy, let first = frames.first, let last = frames.last {
            let bytes = UnsafeRawBufferPointer(start: buffer.base + first.offset, count: last.offset + last.length - first.offset)
            segment.mapping.mirror(bytes, at: segment.writeOffset)
        }
        indexLock.lock()
        var segmentOffset = segment.writeOffset
        for frame in frames {
            let header = FrameHeader(from: buffer.base + frame.offset)
            switch frame.type {
            case .data:
                if let index = frame.index {
                    segment.index(
                        frameAt: segmentOffset, stream: index.stream, basePosition: header.basePosition,
                        recordCount: UInt64(header.recordCount), laterCheckpoints: group.checkpointOffsets[index.checkpoints])
                    stateOfStream(StreamID(rawValue: index.stream))?.append(first: header.basePosition, records: UInt64(header.recordCount))
                    break
                }
                _ = segment.index(
                    frame: header, base: UnsafeRawPointer(buffer.base), frameOffset: frame.offset,
                    segmentOffset: segmentOffset
                ) { streamID, first, records in
                    stateOfStream(StreamID(rawValue: streamID))?.append(first: first, records: records)
                }
            case .streamDefinition:
                let definitions =
                    FrameParser.streamDefinitions(UnsafeRawPointer(buffer.base), frameOffset: frame.offset, header: header) ?? []
                for definition in definitions {
                    defineStream(id: definition.id, name: definition.name, sequenceBase: definition.sequenceBase)
                }
                segment.noteDefinitions(definitions)
            case .seal, .end:
                break
            }
            segmentOffset += frame.length
        }
        segment.writeOffset = segmentOffset
        visibleEnd = end
        indexLock.broadcast()
        // Most publishes have no asynchronous waiter: no copy of the table, and no empty one made.
        guard !asyncWaiters.isEmpty else { return indexLock.unlock() }
        let waiters = asyncWaiters
        asyncWaiters.removeAll()
        indexLock.unlock()
        for (_, waiter) in waiters { waiter.resume() }
    }

    /// Seals the active segment (seal frame + fdatasync) and starts the next one.
    func rotate() throws {
        try syncLock.withLock { () throws in
            if let failure = stopFailure() { throw failure }
            let old = activeSegment!
            try checkLinked(old)
            if !old.sealed {
                var seal = [UInt8](repeating: 0, count: FrameLayout.sealFrameSize)
                seal.withUnsafeMutableBytes { raw in
                    let p = raw.baseAddress!
                    FrameHeader(
                        length: UInt32(FrameLayout.sealFrameSize), type: .seal, padding: 0, recordCount: 0,
                        segmentID: old.id, basePosition: nextPosition,
                        durableBefore: durableBefore.load(ordering: .acquiring)
                    ).write(to: p)
                    p.storeBytes(of: (nextPosition - old.basePosition).littleEndian, toByteOffset: FrameLayout.headerSize, as: UInt64.self)
                    p.storeBytes(of: nextPosition.littleEndian, toByteOffset: FrameLayout.headerSize + 8, as: UInt64.self)
                    FrameHeader.sealCRC(frame: p, length: FrameLayout.sealFrameSize)
                }
                do {
                    try seal.withUnsafeBytes { bytes throws in
                        try fileSystem.writeAll(old.fd, bytes, at: Int64(old.writeOffset))
                        old.mapping.mirror(bytes, at: old.writeOffset)
                    }
                } catch {
                    let walError = error.walError(path: old.path)
                    failStop(walError)
                    throw WALError.failStopped(cause: walError.description)
                }
                try dataSyncLocked(old)
                durableBefore.store(nextPosition, ordering: .releasing)
                let index: SegmentIndexFile? = indexLock.withLock {
                    old.writeOffset += FrameLayout.sealFrameSize
                    old.sealed = true
                    let index = old.indexFile()
                    old.releaseIndexNotes()
                    return index
                }
                // Best effort: without it the next open walks this segment instead.
                try? index?.write(directory: directory, fileSystem: fileSystem)
            }
            let next = try createSegment(id: old.id + 1, basePosition: nextPosition)
            indexLock.withLock {
                segments.append(next)
                fileSystem.closeFile(old.fd)
                old.fd = -1
            }
            activeSegment = next
        }
        preparer?.prepare(id: activeSegment.id + 1)
    }

    /// The stream table as stream-definition frames for the head of segment `id`: every stream
    /// with the number of records it has so far, so that retention never removes a definition and
    /// sequence numbers survive a restart. Frames of at most 64 KiB of entries each.
    func streamTableFrames(_ table: [StreamDefinition], segmentID id: UInt64, basePosition: UInt64) -> [UInt8] {
        let buffer = WriteBuffer()
        let durable = durableBefore.load(ordering: .acquiring)
        var i = 0
        while i < table.count {
            let start = buffer.count
            buffer.appendZeros(FrameLayout.headerSize)
            while i < table.count && buffer.count - start < 64 * 1024 {
                table[i].encode(into: buffer)
                i += 1
            }
            let padding = FrameLayout.padding(for: buffer.count - start)
            buffer.appendZeros(padding)
            let length = buffer.count - start
            FrameHeader(
                length: UInt32(length), type: .streamDefinition, padding: UInt8(padding), recordCount: 0, segmentID: id,
                basePosition: basePosition, durableBefore: durable
            ).write(to: buffer.base + start)
            FrameHeader.sealCRC(frame: buffer.base + start, length: length)
        }
        return Array(UnsafeRawBufferPointer(start: buffer.base, count: buffer.count))
    }

    /// Creates segment `id` (from the prepared file when there is one): header and stream table,
    /// sync, rename into place, directory sync, then maps it.
    func createSegment(id: UInt64, basePosition: UInt64) throws -> Segment {
        let capacity = configuration.segmentSize
        let table = indexLock.withLock { streamTable() }
        let head =
            SegmentHeader(segmentID: id, basePosition: basePosition, capacity: UInt64(capacity)).encode()
            + streamTableFrames(table, segmentID: id, basePosition: basePosition)
        guard head.count + FrameLayout.sealFrameSize < capacity else {
            throw WALError.invalidConfiguration(
                field: "segmentSize",
                reason: "\(capacity) is too small for the header and the stream table "
                    + "(\(head.count) bytes); use larger segments")
        }
        let temporary = SegmentPreparer.temporaryPath(directory: directory, id: id)
        let path = directory + "/" + Segment.fileName(id: id)
        let fd: Int32
        do {
            if let prepared = try preparer?.take(id: id) {
                fd = prepared
            } else {
                fd = try SegmentPreparer.createFile(
                    id: id, fileSystem: fileSystem, directory: directory,
                    capacity: capacity, preallocation: configuration.preallocation)
            }
        } catch {
            // A full disk leaves the log usable; a failed sync of the new file stops it like any other.
            let walError = error.walError(path: temporary)
            if case .io(let operation, _, _) = walError, operation == "fdatasync" {
                failStop(walError)
                throw WALError.failStopped(cause: walError.description)
            }
            throw walError
        }
        do {
            try head.withUnsafeBytes { bytes throws in try fileSystem.writeAll(fd, bytes, at: 0) }
        } catch {
            fileSystem.closeFile(fd)
            try? fileSystem.removeFile(temporary)
            throw error.walError(path: temporary)
        }
        // A failed sync of the new file or of the directory is fail-stop, as on the append path:
        // retrying it later could succeed without the data ever reaching the disk.
        do {
            try fileSystem.dataSync(fd)
        } catch {
            fileSystem.closeFile(fd)
            let walError = error.walError(path: temporary)
            failStop(walError)
            throw WALError.failStopped(cause: walError.description)
        }
        do {
            try fileSystem.rename(temporary, to: path)
        } catch {
            fileSystem.closeFile(fd)
            try? fileSystem.removeFile(temporary)
            throw error.walError(path: temporary)
        }
        do {
            try fileSystem.syncDirectory(directory)
            // Only now that the segment's entry is durable may the manifest promise it exists.
            let lowest = indexLock.withLock { segments.first?.id } ?? id
            try SegmentManifest(lowest: lowest, highest: id).write(directory: directory, fileSystem: fileSystem)
        } catch {
            fileSystem.closeFile(fd)
            let walError = error.walError(path: directory)
            failStop(walError)
            throw WALError.failStopped(cause: walError.description)
        }
        let mapping: MappedRegion
        do {
            mapping = try MappedRegion(
                fd: fd, length: capacity, path: path, fileSystem: fileSystem,
                preferCopy: configuration.readStrategy == .pread)
        } catch {
            fileSystem.closeFile(fd)
            throw error
        }
        let segment = Segment(
            id: id, basePosition: basePosition, path: path, capacity: capacity, fd: fd,
            mapping: mapping, verified: true, inflatedFrames: inflatedFrames)
        segment.writeOffset = head.count
        segment.noteDefinitions(table)
        return segment
    }

    /// fdatasyncs the active segment if anything was written since the last sync; used by the
    /// interval syncer and by ``sync()``. A failure stops the log.
    func syncActiveSegment() {
        syncLock.withLock {
            guard let segment = activeSegment, segment.fd >= 0 else { return }
            let target = writtenBefore.load(ordering: .acquiring)
            guard target > durableBefore.load(ordering: .acquiring) else {
                _ = try? checkLinked(segment)
                return
            }
            // A failure stops the log inside dataSyncLocked; the interval syncer never retries it.
            if (try? dataSyncLocked(segment)) != nil, (try? checkLinked(segment)) != nil {
                durableBefore.store(target, ordering: .releasing)
            }
        }
    }
}
