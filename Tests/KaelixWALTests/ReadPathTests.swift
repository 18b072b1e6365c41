import Foundation
import Testing

@testable import KaelixWAL

/// The read path's costs that must stay bounded: checksumming a sealed segment on first read
/// (without blocking appends, once per segment, damage remembered) and the memory compressed
/// frames take when inflated.
@Suite struct ReadPathTests {
    /// Writes `count` records of 50 bytes over several 8 KiB segments and closes the log.
    private func writeLog(_ dir: TemporaryDirectory, _ configuration: WALConfiguration, count: Int = 400) throws {
        let log = try WriteAheadLog.open(directory: dir.path, configuration: configuration)
        for i in 0..<count { try log.append([UInt8](repeating: UInt8(i % 251), count: 50)) }
        try log.close()
    }

    /// The first read of a sealed segment checksums it outside the index lock, which appends need
    /// to publish: while the check runs, the lock is free.
    @Test func firstReadOfASealedSegmentDoesNotHoldTheIndexLock() throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanUp() }
        let configuration = smallConfiguration(segmentSize: 8192)
        try writeLog(dir, configuration)
        let log = try WriteAheadLog.open(directory: dir.path, configuration: configuration)
        defer { try? log.close() }
        var checks = 0
        var lockWasFree = true
        log.beforeVerifyingSegment = {
            checks += 1
            if log.indexLock.tryLock() { log.indexLock.unlock() } else { lockWasFree = false }
        }
        #expect(try log.read(at: 0).payload == [UInt8](repeating: 0, count: 50))
        #expect(checks == 1)
        #expect(lockWasFree, "the index lock was held while a sealed segment was checksummed")
        _ = try log.read(at: 1)
        #expect(checks == 1, "a verified segment is not checked again")
    }

    /// A damaged sealed segment is checksummed once; later reads report the remembered damage.
    @Test func damageInASealedSegmentIsRememberedNotRechecked() throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanUp() }
        let configuration = smallConfiguration(segmentSize: 8192)
        try writeLog(dir, configuration)
        let first = dir.segmentFiles[0]
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: first)))
        let lastData = bytes.lastIndex { $0 != 0 }!
        bytes[lastData - 100] ^= 0x20  // in a record payload near the seal
        try Data(bytes).write(to: URL(fileURLWithPath: first))
        let log = try WriteAheadLog.open(directory: dir.path, configuration: configuration)
        defer { try? log.close() }
        var errors: [String] = []
        for position in [0, 1, 2] as [UInt64] {
            do { _ = try log.read(at: position) } catch let error as WALError {
                guard case .corruption = error else {
                    Issue.record("\(error)")
                    continue
                }
                errors.append(error.description)
            }
        }
        #expect(errors.count == 3)
        #expect(Set(errors).count == 1, "the same damage, reported each time")
        let segment = log.indexLock.withLock { log.segments[0] }
        #expect(segment.checksumPasses == 1)
    }

    /// Opening a compressed log inflates frames only to index them and keeps none; reads keep at
    /// most the configured budget, and every record still reads back right when frames are
    /// evicted (a budget of one frame) or never kept (a budget of 0).
    @Test(arguments: [0, 6000, 64 * 1024 * 1024])
    func inflatedFramesStayWithinTheirBudget(budget: Int) throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanUp() }
        var configuration = smallConfiguration(segmentSize: 64 * 1024)
        configuration.compression = .zlib(level: 1)
        configuration.compressionThreshold = 256
        configuration.inflatedCacheBytes = budget
        var payloads: [[UInt8]] = []
        do {
            let log = try WriteAheadLog.open(directory: dir.path, configuration: configuration)
            for i in 0..<60 {
                let batch = (0..<50).map { j in [UInt8](repeating: UInt8((i + j) % 7), count: 100) }
                try log.append(batch: batch)
                payloads += batch
            }
            #expect(log.inflatedFrames.bytesHeld == 0, "appending keeps no inflated copy")
            try log.close()
        }
        let log = try WriteAheadLog.open(directory: dir.path, configuration: configuration)
        defer { try? log.close() }
        #expect(log.inflatedFrames.bytesHeld == 0, "opening keeps no inflated copy")
        for position in stride(from: 0, to: payloads.count, by: 7) {
            #expect(try log.read(at: UInt64(position)).payload == payloads[position])
            #expect(log.inflatedFrames.bytesHeld <= budget)
        }
        let cursor = log.cursor()
        var count = 0
        while let record = try cursor.next() {
            #expect(record.payload == payloads[Int(record.position)])
            count += 1
        }
        #expect(count == payloads.count)
        #expect(log.inflatedFrames.bytesHeld <= budget)
        if budget > 0 { #expect(log.inflatedFrames.bytesHeld > 0) }
    }
    /// The zero-copy walk (`forEachRecord`) returns exactly what `next()` returns — across
    /// segments, compressed frames, several streams, in pieces of `limit`, for one stream, after a
    /// body that threw, and for records appended once it had caught up.
    @Test func forEachRecordReadsWhatNextReads() throws {
        struct Stop: Error {}
        let dir = TemporaryDirectory()
        defer { dir.cleanUp() }
        var configuration = smallConfiguration(segmentSize: 16 * 1024)
        configuration.compression = .zlib(level: 1)
        configuration.compressionThreshold = 2048
        let log = try WriteAheadLog.open(directory: dir.path, configuration: configuration)
        defer { try? log.close() }
        let other = try log.stream(named: "other")
        for i in 0..<40 {
            try log.append(batch: (0..<30).map { j in [UInt8](repeating: UInt8((i * 30 + j) % 251), count: 1 + (i + j) % 90) })
            try log.append([UInt8](repeating: UInt8(i), count: i), to: other)
            if i % 3 == 0 { try log.append(batch: [[UInt8]](repeating: [7, 7, 7], count: 1000)) }  // compressed
        }
        let expected = try allRecords(log)
        #expect(expected.count == 40 * 31 + 14 * 1000)
        func copy(_ view: WALRecordView) -> WALRecord {
            WALRecord(position: view.position, stream: view.stream, payload: Array(view.payload))
        }

        var walked: [WALRecord] = []
        let cursor = log.cursor()
        #expect(try cursor.forEachRecord { walked.append(copy($0)) } == expected.count)
        #expect(walked == expected)
        #expect(try cursor.forEachRecord { _ in Issue.record("caught up: nothing more") } == 0)

        var pieces: [WALRecord] = []
        let piecewise = log.cursor()
        while try piecewise.forEachRecord(limit: 7, { pieces.append(copy($0)) }) > 0 {}
        #expect(pieces == expected)

        var ofOther: [WALRecord] = []
        #expect(try log.cursor(from: 0, stream: other).forEachRecord { ofOther.append(copy($0)) } == 40)
        #expect(ofOther == expected.filter { $0.stream == other })

        let interrupted = log.cursor()
        #expect(throws: Stop.self) { try interrupted.forEachRecord { if $0.position == 100 { throw Stop() } } }
        #expect(try interrupted.next()?.position == 101, "the cursor continues after the record whose body threw")

        try log.append([1, 2, 3])
        var tail: [WALRecord] = []
        #expect(try cursor.forEachRecord { tail.append(copy($0)) } == 1)
        #expect(tail.first?.payload == [1, 2, 3] && tail.first?.position == UInt64(expected.count))
    }

    /// Reads by position find every record of a segment whose checkpoints outgrew their room many
    /// times (grown by doubling, each new room's pages mapped ahead), in frames of one record and
    /// of 1,000, whose record lengths vary so that the read's guess of where records start (from
    /// the first record's length) is often wrong: the guess only asks for cache lines, the record
    /// headers decide. The same after reopening (checkpoints from the index file and the tail).
    @Test func readsByPositionFindEveryRecordWhateverTheWalkGuesses() throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanUp() }
        let configuration = smallConfiguration(segmentSize: 4 << 20)
        func payload(_ i: Int) -> [UInt8] { [UInt8](repeating: UInt8(truncatingIfNeeded: i), count: 1 + (i * 37) % 300) }
        var log = try WriteAheadLog.open(directory: dir.path, configuration: configuration)
        for i in 0..<3_000 { try log.append(payload(i)) }
        try log.append(batch: (3_000..<13_000).map(payload))
        for i in 13_000..<16_000 { try log.append(payload(i)) }
        func check(_ log: WriteAheadLog) throws {
            for position in 0..<16_000 {
                #expect(try log.read(at: UInt64(position)).payload == payload(position), "record \(position)")
            }
            var rng = SystemRandomNumberGenerator()
            for _ in 0..<2_000 {
                let position = Int.random(in: 0..<16_000, using: &rng)
                #expect(try log.withRecord(at: UInt64(position)) { Array($0.payload) } == payload(position))
            }
        }
        try check(log)
        try log.close()
        log = try WriteAheadLog.open(directory: dir.path, configuration: configuration)
        defer { try? log.close() }
        try check(log)
    }
}
