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
    public func next() throws -> WALRecord? {
        while true {
            if let stream {
                guard let target = log.nextPosition(of: stream, atOrAfter: position) else { return nil }
                if target != position { jump(to: target) }
            }
            guard position < log.visibleEndSnapshot else { return nil }
            if segment == nil {
                guard let found = try log.cursorSeek(position) else { return nil }
                try enterFrame(found.segment, at: found.frameOffset)
            }
            while framePosition < position || recordOffset >= frameEnd {
                if recordOffset >= frameEnd {
                    try advanceFrame()
                } else {
                    try skipRecord()
                }
            }
            let base = frameBase!
            var offset = recordOffset
            guard let streamID = Varint.read(base, &offset, end: frameEnd),
                let length = Varint.read(base, &offset, end: frameEnd), length <= UInt64(frameEnd - offset)
            else {
                throw WALError.corruption(path: segment!.path, offset: Int64(recordOffset), reason: "malformed record header")
            }
            let record = WALRecord(
                position: position, stream: StreamID(rawValue: UInt32(truncatingIfNeeded: streamID)),
                payload: Array(UnsafeRawBufferPointer(start: base + offset, count: Int(length))))
            recordOffset = offset + Int(length)
            framePosition += 1
            position += 1
            if stream == nil || record.stream == stream { return record }
        }
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
