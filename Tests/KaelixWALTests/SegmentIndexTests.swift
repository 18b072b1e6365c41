import Foundation
import Testing

@testable import KaelixWAL

/// Sealed segments open from their index files (`<id>.kidx`, written at seal) instead of being
/// walked; the result must be exactly what a walk gives, and an index that is damaged, stale or
/// of another segment must never be believed.
@Suite struct SegmentIndexTests {
    /// Everything a reader can observe of an open log.
    struct Observed: Equatable {
        var end: UInt64
        var records: [WALRecord]
        var counts: [String: UInt64]
        var sequences: [UInt64?]
        /// Every record read again by its position (through the checkpoints, not a cursor).
        var byPosition: [WALRecord]
    }

    static func observe(_ log: WriteAheadLog) throws -> Observed {
        let records = try allRecords(log)
        var counts: [String: UInt64] = [:]
        var sequences: [UInt64?] = []
        for name in log.streamNames {
            let stream = try #require(log.existingStream(named: name))
            counts[name] = log.recordCount(in: stream)
            for sequence in stride(from: 0, to: counts[name]! + 2, by: 7) {
                sequences.append(try log.position(ofSequence: sequence, in: stream))
            }
        }
        let byPosition = try records.map { try log.read(at: $0.position) }
        return Observed(end: log.endPosition, records: records, counts: counts, sequences: sequences, byPosition: byPosition)
    }

    /// A log over several 8 KiB segments: batches and single appends to three streams (one
    /// created in the middle of a segment), compressed frames and transactions.
    static func writeLog(_ dir: TemporaryDirectory) throws -> WALConfiguration {
        var configuration = smallConfiguration(.none, segmentSize: 8 * 1024)
        configuration.compression = .zlib(level: 1)
        configuration.compressionThreshold = 4096
        let log = try WriteAheadLog.open(directory: dir.path, configuration: configuration)
        let a = try log.stream(named: "a")
        var late: StreamID?
        for i in 0..<300 {
            try log.append(batch: (0..<(i % 5 + 1)).map { j in [UInt8](repeating: UInt8((i + j) % 251), count: 20 + j) }, to: a)
            try log.append([UInt8](repeating: UInt8(i % 256), count: i % 60))
            if i == 50 { late = try log.stream(named: "late") }
            if let late, i % 3 == 0 {
                let transaction = log.beginTransaction()
                try transaction.append([1, 2, 3], to: late)
                try transaction.append([4, 5], to: a)
                try transaction.commit()
            }
            if i % 100 == 0 { try log.append(batch: [[UInt8]](repeating: [9, 9, 9, 9], count: 1000)) }  // compressed
        }
        try log.close()
        return configuration
    }

    static func indexFiles(_ dir: TemporaryDirectory) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".kidx") }.sorted()
    }

    @Test func openingFromTheIndexGivesWhatWalkingGives() throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanUp() }
        let configuration = try Self.writeLog(dir)
        let sealed = dir.segmentFiles.count - 1
        #expect(sealed >= 4)
        #expect(try Self.indexFiles(dir).count == sealed, "every sealed segment got its index at seal")

        let indexed = try WriteAheadLog.open(directory: dir.path, configuration: configuration)
        #expect(indexed.recoveryReport.sealedSegmentsFromIndex == sealed)
        let fromIndex = try Self.observe(indexed)
        try indexed.close()

        for name in try Self.indexFiles(dir) { try FileManager.default.removeItem(atPath: dir.path + "/" + name) }
        let walked = try WriteAheadLog.open(directory: dir.path, configuration: configuration)
        #expect(walked.recoveryReport.sealedSegmentsFromIndex == 0)
        #expect(try Self.observe(walked) == fromIndex)
        try walked.close()
        #expect(try Self.indexFiles(dir).count == sealed, "a writer's open that had to walk writes the indexes again")

        let reread = try WriteAheadLog.open(directory: dir.path, configuration: configuration)
        #expect(reread.recoveryReport.sealedSegmentsFromIndex == sealed)
        #expect(try Self.observe(reread) == fromIndex)
        try reread.close()
    }

    /// Index files of version 1 (before the compressed-frames flag) still open their segments,
    /// which are then taken to hold compressed frames; a version-2 index says which segments do,
    /// and reads of both kinds of segment find the same records.
    @Test func versionOneIndexesStillOpenAndSayNothingOfCompression() throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanUp() }
        let configuration = try Self.writeLog(dir)
        let names = try Self.indexFiles(dir)
        let current = try names.map { name -> SegmentIndexFile in
            try #require(SegmentIndexFile.decode(Array(try Data(contentsOf: URL(fileURLWithPath: dir.path + "/" + name)))))
        }
        #expect(current.contains { $0.hasCompressedFrames }, "the log's 1000-record batches are compressed")
        #expect(current.contains { !$0.hasCompressedFrames }, "and some segments hold none")
        let pristine = try WriteAheadLog.openReadOnly(directory: dir.path, configuration: configuration)
        let expected = try Self.observe(pristine)
        try pristine.close()
        for (name, index) in zip(names, current) {
            let old = index.encoded(version: 1)
            let decoded = try #require(SegmentIndexFile.decode(old))
            #expect(decoded.hasCompressedFrames, "a version-1 index cannot say, so compression is assumed")
            var same = decoded
            same.hasCompressedFrames = index.hasCompressedFrames
            #expect(same == index)
            try Data(old).write(to: URL(fileURLWithPath: dir.path + "/" + name))
        }
        let log = try WriteAheadLog.openReadOnly(directory: dir.path, configuration: configuration)
        #expect(log.recoveryReport.sealedSegmentsFromIndex == names.count)
        #expect(try Self.observe(log) == expected)
        try log.close()
    }

    /// A torn, bit-flipped, truncated or foreign index (another segment's, or this segment's id
    /// from another log) is ignored: the segment is walked, and the log reads the same.
    @Test func anIndexThatDoesNotDescribeTheSegmentIsIgnored() throws {
        let dir = TemporaryDirectory()
        let other = TemporaryDirectory()
        defer {
            dir.cleanUp()
            other.cleanUp()
        }
        let configuration = try Self.writeLog(dir)
        var otherConfiguration = configuration
        otherConfiguration.compression = .none
        do {
            let log = try WriteAheadLog.open(directory: other.path, configuration: otherConfiguration)
            for i in 0..<400 { try log.append([UInt8](repeating: UInt8(i % 256), count: 90)) }
            try log.close()
        }
        let pristine = try WriteAheadLog.open(directory: dir.path, configuration: configuration)
        let expected = try Self.observe(pristine)
        try pristine.close()
        let names = try Self.indexFiles(dir)
        let originals = try names.map { try Data(contentsOf: URL(fileURLWithPath: dir.path + "/" + $0)) }
        let damages: [(String, (inout Data) throws -> Void)] = [
            ("a flipped bit", { $0[$0.count / 2] ^= 0x04 }),
            ("cut short", { $0 = $0.prefix($0.count - 9) }),
            ("empty", { $0 = Data() }),
            ("another segment's index", { _ in }),
            ("the same segment id from another log", { _ in }),
        ]
        for (label, damage) in damages {
            let target = dir.path + "/" + names[1]
            var bytes = originals[1]
            if label == "another segment's index" { bytes = originals[2] }
            if label == "the same segment id from another log" {
                bytes = try Data(contentsOf: URL(fileURLWithPath: other.path + "/" + names[1]))
            }
            try damage(&bytes)
            try bytes.write(to: URL(fileURLWithPath: target))
            let log = try WriteAheadLog.openReadOnly(directory: dir.path, configuration: configuration)
            #expect(log.recoveryReport.sealedSegmentsFromIndex == names.count - 1, "\(label): that segment was walked")
            #expect(try Self.observe(log) == expected, "\(label)")
            try log.close()
        }
    }

    /// Retention deletes a segment's index with it; an index whose segment is gone (a crash
    /// between the two deletions) is removed by the next open; a read-only open writes none.
    @Test func indexesFollowTheirSegments() throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanUp() }
        let configuration = try Self.writeLog(dir)
        let log = try WriteAheadLog.open(directory: dir.path, configuration: configuration)
        let firstSegmentEnd = log.indexLock.withLock { log.segments[1].basePosition }
        #expect(try log.truncate(below: firstSegmentEnd) == 1)
        #expect(!(try Self.indexFiles(dir)).contains(SegmentIndexFile.fileName(id: 1)))
        try log.close()
        let orphan = dir.path + "/" + SegmentIndexFile.fileName(id: 1)
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: orphan))
        let readOnly = try WriteAheadLog.openReadOnly(directory: dir.path, configuration: configuration)
        try readOnly.close()
        #expect(FileManager.default.fileExists(atPath: orphan), "a read-only open changes nothing")
        try WriteAheadLog.open(directory: dir.path, configuration: configuration).close()
        #expect(!FileManager.default.fileExists(atPath: orphan))
    }
}
