/// Reads by position go through the segments' memory mappings: a binary search over segments,
/// one over the segment's checkpoints, then a walk of at most 7 record headers. Sealed segments
/// are checksummed in full on their first read (they were trusted through their seal at open),
/// outside the index lock, and the outcome is remembered.
extension WriteAheadLog {
    /// Returns a copy of the record at `position`.
    public func read(at position: UInt64) throws -> WALRecord {
        try withLocated(position) { stream, payload in
            WALRecord(position: position, stream: StreamID(rawValue: stream), payload: Array(payload))
        }
    }

    /// Calls `body` with the record at `position` without copying its payload. The view is valid
    /// only inside `body`.
    public func withRecord<R>(at position: UInt64, _ body: (WALRecordView) throws -> R) throws -> R {
        try withLocated(position) { stream, payload in
            try body(WALRecordView(position: position, stream: StreamID(rawValue: stream), payload: payload))
        }
    }

    /// The position of the `sequence`-th record (0-based, counted from the stream's creation) of
    /// `stream`, or nil past its end.
    /// - Throws: ``WALError/sequenceRemoved(stream:sequence:firstAvailable:)`` when retention removed it.
    public func position(ofSequence sequence: UInt64, in stream: StreamID) throws -> UInt64? {
        try indexLock.withLock {
            guard let state = stateOfStream(stream) else { return nil }
            let start = segments.first?.basePosition ?? visibleEnd
            let first = state.firstSequence(atOrAfter: start)
            if sequence < first && sequence < state.count {
                throw WALError.sequenceRemoved(stream: state.name, sequence: sequence, firstAvailable: first)
            }
            return state.position(ofSequence: sequence)
        }
    }

    /// Calls `body` with the stream and the payload of the record at `position` (in the mapping,
    /// or in a compressed frame's inflated copy), keeping those bytes alive while it runs. Only the
    /// lookup holds the index lock: checksumming a sealed segment on its first read and inflating
    /// a frame happen outside it, so they never stall appends (which need the lock to publish).
    /// The segment is held by one local reference, not copied into tuples: a read pays for one
    /// retain and one release.
    @inline(__always)
    private func withLocated<R>(_ position: UInt64, _ body: (UInt32, UnsafeRawBufferPointer) throws -> R) throws -> R {
        let (segment, checkpoint) = try indexLock.withLock { () throws -> (Segment, Segment.WalkStart?) in
            guard let first = segments.first else { throw WALError.closed }
            guard position < visibleEnd else { throw WALError.positionNotWritten(position: position, nextPosition: visibleEnd) }
            guard position >= first.basePosition else {
                throw WALError.positionRemoved(position: position, firstAvailable: first.basePosition)
            }
            let segment = segmentHolding(position)
            return (segment, segment.checkpoint(of: position))
        }
        // The segment (its mapping) and an inflated copy must outlive `body`'s use of their bytes.
        defer { withExtendedLifetime(segment) {} }
        if !segment.verified { beforeVerifyingSegment?() }
        try segment.verifySealed()
        guard let checkpoint, let location = segment.recordLocation(from: checkpoint) else {
            throw WALError.corruption(path: segment.path, offset: 0, reason: "the index does not lead to position \(position)")
        }
        defer { withExtendedLifetime(location.owner) {} }
        var offset = location.offset
        let end = location.end
        let base = location.base
        guard let streamID = Varint.read(base, &offset, end: end), let length = Varint.read(base, &offset, end: end),
            length <= UInt64(end - offset)
        else {
            throw WALError.corruption(path: segment.path, offset: Int64(offset), reason: "malformed record header")
        }
        return try body(UInt32(truncatingIfNeeded: streamID), UnsafeRawBufferPointer(start: base + offset, count: Int(length)))
    }

    /// The segment whose range holds `position`; `indexLock` must be held and the position valid.
    func segmentHolding(_ position: UInt64) -> Segment {
        var low = 0
        var high = segments.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if segments[mid].basePosition <= position { low = mid } else { high = mid - 1 }
        }
        return segments[low]
    }

    /// A cursor over records from `position` on, of all streams or of one.
    public func cursor(from position: UInt64 = 0, stream: StreamID? = nil) -> WALCursor {
        WALCursor(log: self, from: position, stream: stream)
    }

    /// An asynchronous sequence of records from `position` on; with `follow`, it waits for new
    /// appends instead of ending when it catches up (it ends when the log closes).
    public func replay(from position: UInt64 = 0, stream: StreamID? = nil, follow: Bool = false) -> WALReplaySequence {
        WALReplaySequence(log: self, from: position, stream: stream, follow: follow)
    }

    /// Waits (blocking) until a record at `position` is visible, the log closes, or the deadline
    /// passes. Returns whether the record is visible.
    func waitForVisible(_ position: UInt64, deadlineNanos: UInt64) -> Bool {
        indexLock.lock()
        defer { indexLock.unlock() }
        while visibleEnd <= position && !segments.isEmpty && monotonicNanos() < deadlineNanos {
            indexLock.wait(untilMonotonicNanos: deadlineNanos)
        }
        return visibleEnd > position
    }

    /// Suspends until a record at `position` is visible or the log closes.
    func waitForVisible(_ position: UInt64) async {
        let id: UInt64? = indexLock.withLock {
            if visibleEnd > position || segments.isEmpty { return nil }
            nextWaiterID += 1
            return nextWaiterID
        }
        guard let id else { return }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let resumeNow = indexLock.withLock { () -> Bool in
                if visibleEnd > position || segments.isEmpty { return true }
                asyncWaiters[id] = continuation
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }

    /// State the cursor needs, read under the index lock: visible end, and the segment and the
    /// frame offset of `position`.
    func cursorSeek(_ position: UInt64) throws -> (segment: Segment, frameOffset: Int)? {
        indexLock.lock()
        defer { indexLock.unlock() }
        guard let first = segments.first else { throw WALError.closed }
        guard position < visibleEnd else { return nil }
        guard position >= first.basePosition else {
            throw WALError.positionRemoved(position: position, firstAvailable: first.basePosition)
        }
        let segment = segmentHolding(position)
        guard let frameOffset = segment.frameOffset(of: position) else {
            throw WALError.corruption(path: segment.path, offset: 0, reason: "the index does not lead to position \(position)")
        }
        return (segment, frameOffset)
    }

    var visibleEndSnapshot: UInt64 { indexLock.withLock { visibleEnd } }

    /// False once the log is closed (its segments released).
    var isOpenForReading: Bool { indexLock.withLock { !segments.isEmpty } }

    /// The end of the written frames of `segment`, read under the index lock.
    func writeOffset(of segment: Segment) -> Int { indexLock.withLock { segment.writeOffset } }

    /// The segment after `segment`, if any.
    func segment(after segment: Segment) -> Segment? {
        indexLock.withLock {
            guard let index = segments.firstIndex(where: { $0 === segment }), index + 1 < segments.count else { return nil }
            return segments[index + 1]
        }
    }

    /// Next position of `stream` at or after `position`, or nil when there is none yet.
    func nextPosition(of stream: StreamID, atOrAfter position: UInt64) -> UInt64? {
        indexLock.withLock {
            guard let state = stateOfStream(stream) else { return nil }
            // Positions below the oldest segment were removed by retention: start at the oldest kept.
            let start = max(position, segments.first?.basePosition ?? position)
            return state.position(ofSequence: state.firstSequence(atOrAfter: start))
        }
    }
}
