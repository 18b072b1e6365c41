/// A synchronous, forward-only reader of the log from a position, over all streams or one.
///
/// It walks frames sequentially through the mappings, checks each frame's checksum when its
/// segment has not been verified yet, and never returns a record that is not visible (a torn,
/// uncommitted or aborted record never is). ``next()`` returns nil once caught up; with
/// ``next(waitingUpTo:)`` it waits for new appends instead (tailing).
public final class WALCursor {
    private let log: WriteAheadLog
    private let stream: StreamID?
    /// The position the next returned record will have (or follow, for a stream cursor).
    public private(set) var position: UInt64
    private var segment: Segment?
    private var recordOffset = 0
    /// The bytes the current frame's records are read from: the mapping, or an inflated copy.
    private var frameBase: UnsafeRawPointer?
    /// Keeps an inflated copy alive while the cursor reads from it.
    private var frameOwner: InflatedFrame?
    private var frameEnd = 0
    private var nextFrameOffset = 0
    private var framePosition: UInt64 = 0

    init(log: WriteAheadLog, from position: UInt64, stream: StreamID?) {
        self.log = log
        self.stream = stream
        self.position = position
    }

    /// The next record, or nil when the cursor has caught up with the visible end of the log.
    /// The payload is copied out of the mapping; ``forEachRecord(limit:_:)`` reads without copying.
    public func next() throws -> WALRecord? {
        var record: WALRecord?
        try forEachRecord(limit: 1) { view in
            record = WALRecord(position: view.position, stream: view.stream, payload: Array(view.payload))
        }
        return record
    }

    /// Passes each record from the cursor's position up to the visible end of the log (at most
    /// `limit`) to `body` without copying it, and returns how many it passed: the fast way to
    /// replay a log. The view's payload points into the segment's mapping (or an inflated copy of
    /// a compressed frame) and is valid only inside `body`. The cursor moves past a record before
    /// `body` sees it, so when `body` throws, the next call continues after that record; `body`
    /// must not use this cursor itself.
    ///
    /// Within a frame the records are walked without a lock, a reference count or an allocation
    /// per record; the visible end is read once per frame.
    @discardableResult
    public func forEachRecord(limit: Int = .max, _ body: (WALRecordView) throws -> Void) throws -> Int {
        var delivered = 0
        while delivered < limit {
            if let stream {
                guard let target = log.nextPosition(of: stream, atOrAfter: position) else { break }
                if target != position { jump(to: target) }
            }
            let visibleEnd = log.visibleEndSnapshot
            guard position < visibleEnd, try moveToPosition() else { break }
            // The records of this frame, up to the visible end, walked in locals (written back
            // however the walk ends) with the frame's owner held once.
            let base = frameBase!
            let end = frameEnd
            var offset = recordOffset
            var current = position
            var inFrame = framePosition
            defer {
                recordOffset = offset
                position = current
                framePosition = inFrame
            }
            try withExtendedLifetime(frameOwner) {
                while offset < end && current < visibleEnd && delivered < limit {
                    let recordStart = offset
                    guard let streamID = Varint.read(base, &offset, end: end),
                        let length = Varint.read(base, &offset, end: end), length <= UInt64(end - offset)
                    else {
                        offset = recordStart
                        throw WALError.corruption(path: segment!.path, offset: Int64(recordStart), reason: "malformed record header")
                    }
                    let view = WALRecordView(
                        position: current, stream: StreamID(rawValue: UInt32(truncatingIfNeeded: streamID)),
                        payload: UnsafeRawBufferPointer(start: base + offset, count: Int(length)))
                    offset += Int(length)
                    inFrame += 1
                    current += 1
                    if let stream {
                        // A stream cursor jumps to its stream's next record rather than walking others.
                        if view.stream == stream {
                            delivered += 1
                            try body(view)
                        }
                        return
                    }
                    delivered += 1
                    try body(view)
                }
            }
        }
        return delivered
    }

    /// Makes the cursor's frame the one holding `position`, with `recordOffset` at its record;
    /// false when the position is not visible.
    private func moveToPosition() throws -> Bool {
        if segment == nil {
            guard let found = try log.cursorSeek(position) else { return false }
            try enterFrame(found.segment, at: found.frameOffset)
        }
        while framePosition < position || recordOffset >= frameEnd {
            if recordOffset >= frameEnd {
                try advanceFrame()
            } else {
                try skipRecord()
            }
        }
        return true
    }

    /// The next record, waiting up to `nanoseconds` for one to be appended when caught up.
    public func next(waitingUpTo nanoseconds: UInt64) throws -> WALRecord? {
        let deadline = monotonicNanos() + nanoseconds
        while true {
            let seen = log.visibleEndSnapshot
            if let record = try next() { return record }
            if !log.isOpenForReading || monotonicNanos() >= deadline { return nil }
            _ = log.waitForVisible(seen, deadlineNanos: deadline)
        }
    }

    /// Suspends until a record is available, then returns it; nil once the log is closed.
    func nextWaiting() async throws -> WALRecord? {
        while true {
            let seen = log.visibleEndSnapshot
            if let record = try next() { return record }
            if !log.isOpenForReading { return nil }
            await log.waitForVisible(seen)
        }
    }

    private func jump(to target: UInt64) {
        position = target
        if let segment, target >= framePosition, target < segment.endPosition {
            return  // still reachable by walking forward
        }
        segment = nil
    }

    private func enterFrame(_ segment: Segment, at offset: Int) throws {
        self.segment = segment
        let base = segment.mapping.base
        let check = FrameParser.check(
            base, size: log.writeOffset(of: segment), offset: offset, segmentID: segment.id,
            verifyCRC: !segment.verified)
        guard case .valid(let header) = check else {
            if case .invalid(let reason) = check {
                throw WALError.corruption(path: segment.path, offset: Int64(offset), reason: reason)
            }
            throw WALError.corruption(path: segment.path, offset: Int64(offset), reason: "frame expected")
        }
        nextFrameOffset = offset + Int(header.length)
        framePosition = header.basePosition
        if header.type == FrameType.data.rawValue {
            guard let area = segment.recordsArea(base, frameOffset: offset, segmentOffset: offset, header: header) else {
                throw WALError.corruption(path: segment.path, offset: Int64(offset), reason: "compressed frame does not inflate")
            }
            frameBase = area.base
            frameOwner = area.owner
            recordOffset = area.start
            frameEnd = area.end
        } else {
            recordOffset = 0
            frameEnd = 0
        }
    }

    private func advanceFrame() throws {
        guard let current = segment else { return }
        if nextFrameOffset >= log.writeOffset(of: current) {
            guard let following = log.segment(after: current) else {
                throw WALError.positionNotWritten(position: position, nextPosition: log.visibleEndSnapshot)
            }
            try enterFrame(following, at: SegmentHeader.size)
        } else {
            try enterFrame(current, at: nextFrameOffset)
        }
    }

    private func skipRecord() throws {
        let base = frameBase!
        var offset = recordOffset
        guard Varint.read(base, &offset, end: frameEnd) != nil, let length = Varint.read(base, &offset, end: frameEnd),
            length <= UInt64(frameEnd - offset)
        else {
            throw WALError.corruption(path: segment!.path, offset: Int64(recordOffset), reason: "malformed record header")
        }
        recordOffset = offset + Int(length)
        framePosition += 1
    }
}

/// Records from a position on, as an `AsyncSequence`; see ``WriteAheadLog/replay(from:stream:follow:)``.
public struct WALReplaySequence: AsyncSequence, Sendable {
    public typealias Element = WALRecord
    let log: WriteAheadLog
    let from: UInt64
    let stream: StreamID?
    let follow: Bool

    public struct AsyncIterator: AsyncIteratorProtocol {
        let cursor: WALCursor
        let follow: Bool

        public mutating func next() async throws -> WALRecord? {
            if follow { return try await cursor.nextWaiting() }
            return try cursor.next()
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(cursor: log.cursor(from: from, stream: stream), follow: follow)
    }
}
