import Foundation
import Testing

@testable import KaelixWAL

/// Inputs `scripts/fuzz_wal.sh` found, kept as tests. Each builds a segment file byte by byte.
@Suite struct FuzzRegressionTests {
    /// A segment file: a valid header, then `frames`, zeros to `capacity`.
    static func writeSegment(_ frames: [UInt8], in directory: String, capacity: Int = 64 * 1024) throws {
        var file = SegmentHeader(segmentID: 1, basePosition: 0, capacity: UInt64(capacity)).encode() + frames
        file += [UInt8](repeating: 0, count: capacity - file.count)
        try Data(file).write(to: URL(fileURLWithPath: directory + "/" + Segment.fileName(id: 1)))
    }

    /// One checksummed stream-definition frame holding `definitions`.
    static func definitionFrame(_ definitions: [StreamDefinition]) -> [UInt8] {
        let buffer = WriteBuffer()
        buffer.appendZeros(FrameLayout.headerSize)
        for definition in definitions { definition.encode(into: buffer) }
        let padding = FrameLayout.padding(for: buffer.count)
        buffer.appendZeros(padding)
        FrameHeader(
            length: UInt32(buffer.count), type: .streamDefinition, padding: UInt8(padding), recordCount: 0, segmentID: 1,
            basePosition: 0, durableBefore: 0
        ).write(to: buffer.base)
        FrameHeader.sealCRC(frame: buffer.base, length: buffer.count)
        return Array(UnsafeRawBufferPointer(start: buffer.base, count: buffer.count))
    }

    /// fuzz_wal.sh, oom-25aa8a10: a definition naming stream 4 294 967 294 made recovery grow the
    /// stream table to that many entries (tens of GB). Ids are dense: it is damage. The frame was
    /// written whole (no sector missing), so it is refused, not cut as a torn write.
    @Test(arguments: [UInt32.max - 1, 2, 1 << 20])
    func aDefinitionThatSkipsIdsIsDamage(id: UInt32) throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanUp() }
        try Self.writeSegment(
            Self.definitionFrame([
                StreamDefinition(id: 0, name: "", sequenceBase: 0),
                StreamDefinition(id: id, name: "huge", sequenceBase: 0),
            ]), in: dir.path)
        #expect {
            try WriteAheadLog.open(directory: dir.path, configuration: smallConfiguration())
        } throws: { error in
            guard case .corruption(_, let offset, let reason) = error as? WALError else { return false }
            return offset == Int64(SegmentHeader.size) && reason.hasPrefix("a stream definition skips an id or renames a stream")
        }
        var discarding = smallConfiguration()
        discarding.damagedTail = .discard
        let log = try WriteAheadLog.open(directory: dir.path, configuration: discarding)
        #expect(log.streamNames == [""])
        #expect(log.recoveryReport.discardedDamage)
        try log.close()
    }

    /// A definition that gives an existing stream another name is damage too.
    @Test func aDefinitionThatRenamesAStreamIsDamage() throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanUp() }
        let frames =
            Self.definitionFrame([StreamDefinition(id: 0, name: "", sequenceBase: 0), StreamDefinition(id: 1, name: "a", sequenceBase: 0)])
            + Self.definitionFrame([StreamDefinition(id: 1, name: "b", sequenceBase: 0)])
        try Self.writeSegment(frames, in: dir.path)
        #expect {
            try WriteAheadLog.open(directory: dir.path, configuration: smallConfiguration())
        } throws: { error in
            guard case .corruption(_, _, let reason) = error as? WALError else { return false }
            return reason.hasPrefix("a stream definition renames stream 1")
        }
        var discarding = smallConfiguration()
        discarding.damagedTail = .discard
        let log = try WriteAheadLog.open(directory: dir.path, configuration: discarding)
        #expect(log.streamNames == ["", "a"])
        #expect(log.recoveryReport.discardedDamage)
        try log.close()
    }
}
