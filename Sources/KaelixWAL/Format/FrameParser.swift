import CKaelixSupport

/// Validation of frames and of the records inside them. Everything here treats the bytes as
/// hostile: every length is bounds-checked before it is used, so a corrupt or fuzzed segment can
/// produce an error but never a crash, an overread or an unbounded allocation.
enum FrameParser {
    enum Check: Equatable {
        /// A frame that passed every check.
        case valid(FrameHeader)
        /// Type 0 (or not even room for a header): the end of the written part of the segment.
        case end
        /// Damage: a torn write, a bit flip, or bytes from another segment.
        case invalid(String)
    }

    /// Checks the frame that starts at `offset` of `size` readable bytes at `base`.
    static func check(_ base: UnsafeRawPointer, size: Int, offset: Int, segmentID: UInt64, verifyCRC: Bool = true) -> Check {
        let remaining = size - offset
        if remaining < FrameLayout.headerSize {
            if remaining <= 0 { return .end }
            for i in 0..<remaining where base.load(fromByteOffset: offset + i, as: UInt8.self) != 0 {
                return .invalid("\(remaining) trailing bytes too short for a frame header")
            }
            return .end
        }
        let header = FrameHeader(from: base + offset)
        if header.type == FrameType.end.rawValue && header.length == 0 { return .end }
        guard FrameHeader.headerIsIntact(frame: base + offset) else { return .invalid("frame header checksum mismatch") }
        if header.type == FrameType.end.rawValue { return .invalid("end marker with a non-zero length \(header.length)") }
        let length = Int(header.length)
        guard length >= FrameLayout.headerSize, length % FrameLayout.alignment == 0 else {
            return .invalid("implausible frame length \(length)")
        }
        guard length <= remaining else { return .invalid("frame length \(length) runs past the end of the segment") }
        guard let type = FrameType(rawValue: header.type) else { return .invalid("unknown frame type \(header.type)") }
        guard header.padding < 8, Int(header.padding) <= length - FrameLayout.headerSize else {
            return .invalid("bad padding \(header.padding)")
        }
        guard header.segmentID == FrameHeader.segmentTag(segmentID) else {
            return .invalid("frame belongs to segment \(header.segmentID), not \(segmentID) (stale or misplaced bytes)")
        }
        if verifyCRC {
            let stored = header.crc
            guard stored == FrameHeader.computeCRC(frame: base + offset, length: length) else {
                return .invalid("checksum mismatch")
            }
        }
        if header.flags & ~FrameLayout.knownFlags != 0 { return .invalid("unknown frame flags \(header.flags)") }
        if type != .data && header.flags != 0 { return .invalid("control frame with flags") }
        if type == .seal && length != FrameLayout.sealFrameSize { return .invalid("seal frame of wrong size") }
        if type != .data && header.recordCount != 0 { return .invalid("control frame with records") }
        if type == .data && header.recordCount == 0 { return .invalid("data frame without records") }
        return .valid(header)
    }

    /// Calls `body(streamID, recordStart, payloadOffset, payloadLength)` for each record in
    /// `[start, end)` of `base` (a data frame's records area, see ``Segment/recordsArea``), and
    /// returns false (after calling `body` for the well-formed prefix of at most `count` records)
    /// if it does not hold exactly `count` well-formed records.
    @inline(__always)
    static func forEachRecord(
        _ base: UnsafeRawPointer, start: Int, end: Int, count: UInt32,
        _ body: (UInt32, Int, Int, Int) -> Void
    ) -> Bool {
        var cursor = start
        var seen: UInt32 = 0
        while cursor < end {
            let recordStart = cursor
            guard seen < count, let stream = Varint.read(base, &cursor, end: end), stream <= UInt64(UInt32.max),
                let length = Varint.read(base, &cursor, end: end), length <= UInt64(end - cursor)
            else { return false }
            body(UInt32(stream), recordStart, cursor, Int(length))
            cursor += Int(length)
            seen += 1
        }
        return seen == count && cursor == end
    }

    /// The stored body of an uncompressed frame at `offset`: `[offset + header, end of records)`.
    @inline(__always)
    static func bodyRange(frameOffset offset: Int, header: FrameHeader) -> (start: Int, end: Int) {
        (offset + FrameLayout.headerSize, offset + Int(header.length) - Int(header.padding))
    }

    /// Inflates the compressed body of the frame at `offset` into a new buffer (the caller owns
    /// it), or returns nil when it is damaged. The declared size is bounded, so a hostile length
    /// cannot make it allocate without limit.
    static func inflate(_ base: UnsafeRawPointer, frameOffset offset: Int, header: FrameHeader, limit: Int)
        -> UnsafeMutableRawBufferPointer?
    {
        let (start, end) = bodyRange(frameOffset: offset, header: header)
        guard end - start >= 4 else { return nil }
        let size = Int(UInt32(littleEndian: base.loadUnaligned(fromByteOffset: start, as: UInt32.self)))
        guard size > 0, size <= limit else { return nil }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 8)
        guard kaelix_inflate(base + start + 4, end - start - 4, buffer.baseAddress, size) == 0 else {
            buffer.deallocate()
            return nil
        }
        return buffer
    }

    /// The stream definition `(id, name)` carried by a stream-definition frame, if well formed.
    static func streamDefinitions(_ base: UnsafeRawPointer, frameOffset offset: Int, header: FrameHeader) -> [StreamDefinition]? {
        var cursor = offset + FrameLayout.headerSize
        let end = offset + Int(header.length) - Int(header.padding)
        var definitions: [StreamDefinition] = []
        while cursor < end {
            guard let id = Varint.read(base, &cursor, end: end), id <= UInt64(UInt32.max),
                let length = Varint.read(base, &cursor, end: end), length <= UInt64(end - cursor)
            else { return nil }
            let name = String(decoding: UnsafeRawBufferPointer(start: base + cursor, count: Int(length)), as: UTF8.self)
            cursor += Int(length)
            guard let sequenceBase = Varint.read(base, &cursor, end: end) else { return nil }
            definitions.append(StreamDefinition(id: UInt32(id), name: name, sequenceBase: sequenceBase))
        }
        return definitions.isEmpty ? nil : definitions
    }

    /// `(recordCount, endPosition)` of a seal frame.
    static func seal(_ base: UnsafeRawPointer, frameOffset offset: Int) -> (UInt64, UInt64) {
        let body = base + offset + FrameLayout.headerSize
        return (
            UInt64(littleEndian: body.loadUnaligned(as: UInt64.self)),
            UInt64(littleEndian: body.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
        )
    }
}

/// One entry of a stream-definition frame: a stream, and how many records it had before the frame.
struct StreamDefinition: Equatable {
    var id: UInt32
    var name: String
    var sequenceBase: UInt64

    /// Appends this entry's encoding to `buffer`.
    func encode(into buffer: WriteBuffer) {
        let nameBytes = Array(name.utf8)
        buffer.appendVarint(UInt64(id))
        buffer.appendVarint(UInt64(nameBytes.count))
        nameBytes.withUnsafeBytes { buffer.append($0) }
        buffer.appendVarint(sequenceBase)
    }
}
