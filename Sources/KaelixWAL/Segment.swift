/// One segment file: its identity, its read-only mapping, how far it is written, and a sparse
/// index from positions to byte offsets (one checkpoint per frame and every 32 records inside
/// a frame, so a lookup walks at most 31 records).
///
/// Sealed segments hold no file descriptor, only their mapping. Guarded by the log's index lock,
/// except `fd`, which only the commit leader (and the interval syncer under the sync lock) uses.
final class Segment: @unchecked Sendable {
    static let checkpointStride: UInt64 = 32

    let id: UInt64
    let basePosition: UInt64
    let path: String
    let capacity: Int
    var fd: Int32
    let mapping: MappedRegion
    /// End of the last valid frame (the next frame starts here).
    var writeOffset: Int
    /// One past the last record's position.
    var endPosition: UInt64
    var sealed = false
    /// Whether every frame's checksum has been verified (at recovery, or because we wrote it).
    var verified: Bool
    private(set) var checkpointPositions: [UInt64] = []
    private(set) var checkpointOffsets: [UInt32] = []
    private(set) var checkpointFrames: [UInt32] = []
    /// Inflated records areas of compressed frames, by frame offset (see ``recordsArea``).
    private var inflated: [Int: UnsafeMutableRawBufferPointer] = [:]
    private let inflatedLock = ConditionLock()

    init(id: UInt64, basePosition: UInt64, path: String, capacity: Int, fd: Int32, mapping: MappedRegion, verified: Bool) {
        self.id = id
        self.basePosition = basePosition
        self.path = path
        self.capacity = capacity
        self.fd = fd
        self.mapping = mapping
        self.writeOffset = SegmentHeader.size
        self.endPosition = basePosition
        self.verified = verified
    }

    deinit {
        for (_, buffer) in inflated { buffer.deallocate() }
    }

    /// The records area of the data frame whose header is at `frameOffset` in `base` (the
    /// mapping, or a pending buffer at publish time) and which lies at `segmentOffset` in this
    /// segment: `(base, start, end)`. For a compressed frame that is an inflated copy, made once
    /// and kept while the segment is open; nil when the compressed body is damaged.
    func recordsArea(_ base: UnsafeRawPointer, frameOffset: Int, segmentOffset: Int,
                     header: FrameHeader) -> (base: UnsafeRawPointer, start: Int, end: Int)? {
        guard header.flags & FrameLayout.compressedFlag != 0 else {
            let (start, end) = FrameParser.bodyRange(frameOffset: frameOffset, header: header)
            return (base, start, end)
        }
        return inflatedLock.withLock {
            if let buffer = inflated[segmentOffset] { return (UnsafeRawPointer(buffer.baseAddress!), 0, buffer.count) }
            guard let buffer = FrameParser.inflate(base, frameOffset: frameOffset, header: header, limit: capacity * 64) else { return nil }
            inflated[segmentOffset] = buffer
            return (UnsafeRawPointer(buffer.baseAddress!), 0, buffer.count)
        }
    }

    /// The file name of segment `id`: 20 decimal digits, so names sort like ids.
    static func fileName(id: UInt64) -> String {
        let digits = String(id)
        return String(repeating: "0", count: max(0, 20 - digits.count)) + digits + ".kwal"
    }

    /// Indexes the data frame whose header is at `base + frameOffset` (the mapping, or a pending
    /// buffer) and which lies at `segmentOffset` in this segment; `stream` is called per record.
    /// Checkpoints hold record offsets in the segment, or in the inflated copy of a compressed frame.
    /// Returns false when the records are malformed (or a compressed body does not inflate).
    @discardableResult
    func index(frame header: FrameHeader, base: UnsafeRawPointer, frameOffset: Int, segmentOffset: Int,
               stream: (UInt32, UInt64) -> Void) -> Bool {
        guard let area = recordsArea(base, frameOffset: frameOffset, segmentOffset: segmentOffset, header: header) else { return false }
        let compressed = header.flags & FrameLayout.compressedFlag != 0
        let delta = compressed ? 0 : segmentOffset - frameOffset
        var position = header.basePosition
        var first = true
        let wellFormed = FrameParser.forEachRecord(area.base, start: area.start, end: area.end, count: header.recordCount) { streamID, payloadOffset, length in
            if first || (position - header.basePosition) % Segment.checkpointStride == 0 {
                // The record starts before its two varints; recompute its start from the payload.
                let recordStart = payloadOffset - Varint.size(UInt64(length)) - Varint.size(UInt64(streamID))
                checkpointPositions.append(position)
                checkpointOffsets.append(UInt32(recordStart + delta))
                checkpointFrames.append(UInt32(segmentOffset))
                first = false
            }
            stream(streamID, position)
            position += 1
        }
        endPosition = position
        return wellFormed
    }

    /// Index of the last checkpoint at or before `position`, if `position` is in this segment.
    private func checkpoint(before position: UInt64) -> Int? {
        guard position >= basePosition, position < endPosition, !checkpointPositions.isEmpty else { return nil }
        var low = 0
        var high = checkpointPositions.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if checkpointPositions[mid] <= position { low = mid } else { high = mid - 1 }
        }
        return low
    }

    /// The offset of the frame holding `position`.
    func frameOffset(of position: UInt64) -> Int? {
        checkpoint(before: position).map { Int(checkpointFrames[$0]) }
    }

    /// Where the record at `position` starts: `(base, offset, end of its records area)`, or nil
    /// when the index does not lead to it.
    func recordLocation(of position: UInt64) -> (base: UnsafeRawPointer, offset: Int, end: Int)? {
        guard let low = checkpoint(before: position) else { return nil }
        let frameOffset = Int(checkpointFrames[low])
        guard frameOffset + FrameLayout.headerSize <= mapping.length else { return nil }
        let header = FrameHeader(from: mapping.base + frameOffset)
        guard Int(header.length) <= mapping.length - frameOffset,
              let area = recordsArea(mapping.base, frameOffset: frameOffset, segmentOffset: frameOffset, header: header) else { return nil }
        var offset = Int(checkpointOffsets[low])
        var skip = position - checkpointPositions[low]
        let base = area.base
        let end = area.end
        while skip > 0 {
            guard Varint.read(base, &offset, end: end) != nil, let length = Varint.read(base, &offset, end: end),
                  length <= UInt64(end - offset) else { return nil }
            offset += Int(length)
            skip -= 1
        }
        return (base, offset, end)
    }
}
