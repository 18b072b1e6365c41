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

    /// The file name of segment `id`: 20 decimal digits, so names sort like ids.
    static func fileName(id: UInt64) -> String {
        let digits = String(id)
        return String(repeating: "0", count: max(0, 20 - digits.count)) + digits + ".kwal"
    }

    /// Indexes the data frame whose records are at `base + frameOffset` (which may be a pending
    /// buffer) and which lies at `segmentOffset` in this segment. `stream` is called per record.
    @inline(__always)
    func index(frame header: FrameHeader, base: UnsafeRawPointer, frameOffset: Int, segmentOffset: Int,
               stream: (UInt32, UInt64) -> Void) {
        var position = header.basePosition
        let delta = segmentOffset - frameOffset
        var first = true
        _ = FrameParser.forEachRecord(base, frameOffset: frameOffset, header: header) { streamID, payloadOffset, length in
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

    /// The offset of the record at `position`, or nil when the index does not lead to it.
    func recordOffset(of position: UInt64) -> Int? {
        guard let low = checkpoint(before: position) else { return nil }
        var offset = Int(checkpointOffsets[low])
        var skip = position - checkpointPositions[low]
        let base = mapping.base
        let end = min(writeOffset, mapping.length)
        while skip > 0 {
            guard Varint.read(base, &offset, end: end) != nil, let length = Varint.read(base, &offset, end: end),
                  length <= UInt64(end - offset) else { return nil }
            offset += Int(length)
            skip -= 1
        }
        return offset
    }
}
