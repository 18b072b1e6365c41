import Foundation
import KaelixWAL
import Testing

/// Retention (`truncate(below:)`) with named streams: the log reopens, streams keep their names
/// and sequence numbers, and reads below the retained start get a clear answer, never a trap.
@Suite struct RetentionTests {
    /// A log with two named streams spread over many small segments. Returns the log and, per
    /// stream, the positions of its records in order.
    static func populatedLog(_ dir: TemporaryDirectory, policy: SyncPolicy = .none) throws -> (WriteAheadLog, [StreamID: [UInt64]]) {
        let log = try WriteAheadLog.open(directory: dir.path, configuration: smallConfiguration(policy, segmentSize: 16 * 1024))
        let orders = try log.stream(named: "orders")
        let audit = try log.stream(named: "audit")
        var positions: [StreamID: [UInt64]] = [orders: [], audit: [], .default: []]
        for i in 0..<400 {
            let stream = [orders, audit, .default][i % 3]
            positions[stream]!.append(try log.append(TestPayload.make(attempt: UInt64(i + 1), length: 100), to: stream))
        }
        return (log, positions)
    }

    @Test func namedStreamsSurviveRetentionAndReopen() throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanUp() }
        let (log, positions) = try Self.populatedLog(dir)
        #expect(log.segmentCount >= 4)
        let orders = try #require(log.existingStream(named: "orders"))
        let cut = positions[orders]![60]
        let removed = try log.truncate(below: cut)
        #expect(removed >= 1, "the segments holding the stream definitions are gone")
        let start = log.startPosition
        // Sequence numbers before the restart.
        let before = try (60..<positions[orders]!.count).map { try log.position(ofSequence: UInt64($0), in: orders) }
        try log.close()
        let reopened = try WriteAheadLog.open(directory: dir.path, configuration: smallConfiguration(.none, segmentSize: 16 * 1024))
        #expect(reopened.startPosition == start)
        #expect(reopened.existingStream(named: "orders") == orders)
        #expect(reopened.existingStream(named: "audit") != nil)
        let after = try (60..<positions[orders]!.count).map { try reopened.position(ofSequence: UInt64($0), in: orders) }
        #expect(after == before, "sequence numbers are the same across a restart after retention")
        #expect(reopened.recordCount(in: orders) == UInt64(positions[orders]!.count))
        // Every retained record reads back with its stream.
        for (stream, list) in positions {
            for position in list where position >= start {
                let record = try reopened.read(at: position)
                #expect(record.stream == stream)
                #expect(TestPayload.decode(record.payload) != nil)
            }
        }
        // And the log takes appends to the old streams.
        let next = try reopened.append([1], to: orders)
        #expect(try reopened.position(ofSequence: UInt64(positions[orders]!.count), in: orders) == next)
        try reopened.close()
    }

    @Test func readsBelowTheRetainedStartAnswerClearly() throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanUp() }
        let (log, positions) = try Self.populatedLog(dir)
        let orders = try #require(log.existingStream(named: "orders"))
        try log.truncate(below: positions[orders]![80])
        for reopen in [false, true] {
            if reopen { try log.close() }
            let current =
                reopen ? try WriteAheadLog.open(directory: dir.path, configuration: smallConfiguration(.none, segmentSize: 16 * 1024)) : log
            let start = current.startPosition
            // By sequence: removed records throw a clear error, never trap.
            do {
                _ = try current.position(ofSequence: 0, in: orders)
                Issue.record("sequence 0 was removed; expected sequenceRemoved (reopened: \(reopen))")
            } catch let error as WALError {
                guard case .sequenceRemoved(let stream, let sequence, let first) = error else {
                    Issue.record("\(error)")
                    continue
                }
                #expect(stream == "orders" && sequence == 0 && first > 0)
                #expect(try current.position(ofSequence: first, in: orders).map { $0 >= start } == true)
            }
            // By position.
            #expect(throws: WALError.self) { try current.read(at: 0) }
            // A stream cursor from position 0 starts at the oldest retained record of the stream.
            let cursor = current.cursor(from: 0, stream: orders)
            let first = try #require(try cursor.next())
            #expect(first.position >= start && first.stream == orders)
            var count = 1
            while try cursor.next() != nil { count += 1 }
            #expect(count == positions[orders]!.filter { $0 >= start }.count)
            if reopen { try current.close() }
        }
    }
}

/// A segment file deleted behind the log's back (issue 13, #6): the newest, the oldest, one in the
/// middle, or the active one while the log runs. Each is refused with the missing file's name,
/// never silently skipped with its acknowledged records.
@Suite struct MissingSegmentTests {
    static func log(_ dir: TemporaryDirectory) throws -> WriteAheadLog {
        try WriteAheadLog.open(directory: dir.path, configuration: smallConfiguration(.group, segmentSize: 16 * 1024))
    }

    static func fill(_ log: WriteAheadLog, records: Int) throws {
        for i in 0..<records { try log.append(TestPayload.make(attempt: UInt64(i + 1), length: 200)) }
    }

    @Test(arguments: ["newest", "oldest", "middle"])
    func aDeletedSegmentIsRefused(which: String) throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanUp() }
        let log = try Self.log(dir)
        try Self.fill(log, records: 300)
        try log.close()
        let files = dir.segmentFiles
        #expect(files.count >= 4)
        let victim = which == "newest" ? files.last! : which == "oldest" ? files.first! : files[files.count / 2]
        try FileManager.default.removeItem(atPath: victim)
        let opened = walOutcome { try Self.log(dir) }
        guard case .failure(let error) = opened, case .corruption(let path, _, let reason) = error else {
            Issue.record("deleting the \(which) segment: the log opened (\(opened)) without it")
            return
        }
        #expect(path == victim || reason.contains("missing"), "\(error)")
    }

    @Test func theActiveSegmentDeletedWhileRunningStopsTheLog() throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanUp() }
        let log = try Self.log(dir)
        try Self.fill(log, records: 10)
        try FileManager.default.removeItem(atPath: dir.segmentFiles.last!)
        // Found at the next sync() (or interval sync, or rotation), not on every group commit.
        #expect(throws: WALError.self) { try log.sync() }
        let next = walOutcome { try log.append([1]) }
        guard case .failure(let error) = next, case .failStopped = error else {
            Issue.record("an append into a deleted segment was \(next)")
            log.abandon()
            return
        }
        log.abandon()
        #expect(throws: WALError.self) { try Self.log(dir) }
    }

    @Test func retentionInterruptedBeforeItsDeletionsIsFinishedAtOpen() throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanUp() }
        let log = try Self.log(dir)
        try Self.fill(log, records: 300)
        let files = dir.segmentFiles
        // Keep copies of the two oldest segments, retain past them, then put them back: as if the
        // manifest was written but the process died before deleting them.
        let saved = try files.prefix(2).map { try Data(contentsOf: URL(fileURLWithPath: $0)) }
        let cut = try log.read(at: log.endPosition - 1).position
        try log.truncate(below: cut)
        let start = log.startPosition
        try log.close()
        for (path, data) in zip(files.prefix(2), saved) { try data.write(to: URL(fileURLWithPath: path)) }
        let reopened = try Self.log(dir)
        #expect(reopened.recoveryReport.completedRetention.count == 2)
        #expect(reopened.startPosition == start)
        try reopened.close()
    }
}

/// A synced frame zeroed by the disk (a lost or misdirected write) is not the end of the log
/// (issue 13, #4): zeroing each synced frame in turn, every one that a later frame vouches for
/// (its durable-before mark) makes the open fail naming the file, never drop the records after it.
@Suite struct ZeroedFrameTests {
    @Test func everyZeroedSyncedFrameIsReported() throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanUp() }
        let configuration = smallConfiguration(.group, segmentSize: 64 * 1024)
        let log = try WriteAheadLog.open(directory: dir.path, configuration: configuration)
        for i in 0..<40 { try log.append(TestPayload.make(attempt: UInt64(i + 1), length: 50 + i * 7)) }
        let (path, written) = log.tailSegment
        try log.close()
        let original = try Data(contentsOf: URL(fileURLWithPath: path))
        // Frame offsets, by their length words, from the end of the 64-byte header.
        var offsets: [Int] = []
        var offset = 64
        while offset < written {
            let length = original[offset..<(offset + 4)].withUnsafeBytes { Int(UInt32(littleEndian: $0.loadUnaligned(as: UInt32.self))) }
            guard length > 0 else { break }
            offsets.append(offset)
            offset += length
        }
        #expect(offsets.count >= 40)
        var reported = 0
        // The last frame has no later frame to vouch for it (issue 13, #5); every other one does.
        for (index, start) in offsets.enumerated().dropLast() {
            let end = offsets[index + 1]
            var damaged = original
            damaged.replaceSubrange(start..<end, with: [UInt8](repeating: 0, count: end - start))
            try damaged.write(to: URL(fileURLWithPath: path))
            let opened = walOutcome { try WriteAheadLog.open(directory: dir.path, configuration: configuration) }
            switch opened {
            case .failure(let error):
                if case .corruption = error { reported += 1 } else { Issue.record("frame \(index): \(error)") }
            case .success(let reopened):
                Issue.record("frame \(index) zeroed: the log opened with \(reopened.endPosition) records and no error")
                try reopened.close()
            }
        }
        #expect(reported == offsets.count - 1)
    }
}
