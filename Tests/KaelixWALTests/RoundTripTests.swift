import Foundation
import KaelixWAL
import PerfgateSupport
import Testing

@Suite struct RoundTripTests {
    @Test func singleAndBatchAppendsReadBackAndSurviveReopen() throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanUp() }
        var expected: [[UInt8]] = []
        do {
            let log = try WriteAheadLog.open(directory: dir.path, configuration: smallConfiguration(.group))
            #expect(try log.append([1, 2, 3]) == 0)
            expected.append([1, 2, 3])
            #expect(try log.append([]) == 1)
            expected.append([])
            let batch = (0..<50).map { [UInt8](repeating: UInt8($0), count: $0) }
            #expect(try log.append(batch: batch) == 2..<52)
            expected += batch
            for (position, payload) in expected.enumerated() {
                #expect(try log.read(at: UInt64(position)).payload == payload)
            }
            try log.close()
        }
        let reopened = try WriteAheadLog.open(directory: dir.path, configuration: smallConfiguration(.group))
        #expect(reopened.endPosition == UInt64(expected.count))
        #expect(reopened.recoveryReport.truncatedFile == nil)
        #expect(try allRecords(reopened).map(\.payload) == expected)
        #expect(try reopened.append([9]) == UInt64(expected.count))
    }

    @Test func readsOutsideTheLogAreClearErrors() throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanUp() }
        let log = try WriteAheadLog.open(directory: dir.path, configuration: smallConfiguration())
        try log.append([1])
        #expect(throws: WALError.positionNotWritten(position: 5, nextPosition: 1)) { try log.read(at: 5) }
        let tooBig = [UInt8](repeating: 0, count: 70 * 1024)
        #expect(throws: WALError.self) { try log.append(tooBig) }
        #expect(try log.append([2]) == 1, "a refused record must not consume a position")
        try log.close()
        #expect(throws: WALError.closed) { try log.append([3]) }
    }

    @Test func secondOpenOfTheSameDirectoryIsRefused() throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanUp() }
        let log = try WriteAheadLog.open(directory: dir.path, configuration: smallConfiguration())
        #expect(throws: WALError.directoryLocked(path: dir.path)) {
            try WriteAheadLog.open(directory: dir.path, configuration: smallConfiguration())
        }
        try log.close()
        _ = try WriteAheadLog.open(directory: dir.path, configuration: smallConfiguration())
    }

    @Test func invalidConfigurationNamesTheField() {
        var configuration = WALConfiguration()
        configuration.segmentSize = 1000
        #expect {
            try WriteAheadLog.open(directory: "/tmp/never-created", configuration: configuration)
        } throws: { error in
            "\(error)".contains("segmentSize")
        }
    }

    /// Random batch sizes and record sizes from 0 B to 64 KB over small segments, so records
    /// straddle many rotations; every position is then read directly and replayed from.
    @Test(arguments: [SyncPolicy.none, .group])
    func propertyRandomBatchesAcrossRotations(policy: SyncPolicy) throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanUp() }
        var rng = SplitMix64(seed: 7)
        var expected: [[UInt8]] = []
        let configuration = smallConfiguration(policy, segmentSize: 256 * 1024)
        do {
            let log = try WriteAheadLog.open(directory: dir.path, configuration: configuration)
            for _ in 0..<120 {
                let count = Int(rng.next() % 40) + 1
                let sizes = (0..<count).map { _ -> Int in
                    rng.next() % 10 == 0 ? Int(rng.next() % (64 * 1024)) : Int(rng.next() % 200)
                }
                let total = sizes.reduce(0, +)
                if total > 200 * 1024 { continue }
                let batch = sizes.map { size in (0..<size).map { _ in UInt8(truncatingIfNeeded: rng.next()) } }
                if count == 1 { try log.append(batch[0]) } else { try log.append(batch: batch) }
                expected += batch
            }
            #expect(log.segmentCount > 3, "the test must cross segment boundaries")
            try log.close()
        }
        let log = try WriteAheadLog.open(directory: dir.path, configuration: configuration)
        #expect(log.endPosition == UInt64(expected.count))
        for (position, payload) in expected.enumerated() {
            #expect(try log.read(at: UInt64(position)).payload == payload)
        }
        // Replay from every position (including every segment boundary) yields exactly the rest.
        for start in stride(from: 0, to: expected.count, by: max(1, expected.count / 97)) {
            let cursor = log.cursor(from: UInt64(start))
            var position = start
            while let record = try cursor.next() {
                #expect(record.position == UInt64(position))
                #expect(record.payload == expected[position])
                position += 1
            }
            #expect(position == expected.count)
        }
    }

    @Test func streamsAreIndexedSeparatelyAndSurviveReopen() throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanUp() }
        var perStream: [String: [[UInt8]]] = [:]
        do {
            let log = try WriteAheadLog.open(directory: dir.path, configuration: smallConfiguration())
            var rng = SplitMix64(seed: 3)
            let names = (0..<20).map { "orders-\($0)" }
            for i in 0..<2000 {
                let name = names[Int(rng.next() % 20)]
                let stream = try log.stream(named: name)
                let payload = Array("\(name)#\(i)".utf8)
                if i % 7 == 0 {
                    try log.append(batch: [payload, payload + [1]], to: stream)
                    perStream[name, default: []] += [payload, payload + [1]]
                } else {
                    try log.append(payload, to: stream)
                    perStream[name, default: []].append(payload)
                }
            }
            try log.close()
        }
        let log = try WriteAheadLog.open(directory: dir.path, configuration: smallConfiguration())
        for (name, payloads) in perStream {
            let stream = try #require(log.existingStream(named: name))
            #expect(log.recordCount(in: stream) == UInt64(payloads.count))
            let cursor = log.cursor(stream: stream)
            var seen: [[UInt8]] = []
            while let record = try cursor.next() {
                #expect(record.stream == stream)
                seen.append(record.payload)
            }
            #expect(seen == payloads)
            // Direct access by stream sequence number.
            let middle = UInt64(payloads.count / 2)
            let position = try #require(try log.position(ofSequence: middle, in: stream))
            #expect(try log.read(at: position).payload == payloads[Int(middle)])
        }
        #expect(log.existingStream(named: "never") == nil)
        #expect(throws: WALError.self) { try log.append([1], to: StreamID(rawValue: 999)) }
    }

    @Test func concurrentAppendersGetUniqueDensePositions() async throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanUp() }
        let log = try WriteAheadLog.open(directory: dir.path, configuration: smallConfiguration(.group, segmentSize: 1 << 20))
        let writers = 8
        let perWriter = 300
        let positions = try await withThrowingTaskGroup(of: [(UInt64, [UInt8])].self) { group in
            for writer in 0..<writers {
                group.addTask {
                    var mine: [(UInt64, [UInt8])] = []
                    for i in 0..<perWriter {
                        let payload = Array("w\(writer)-\(i)".utf8)
                        if i % 10 == 0 {
                            let range = try log.append(batch: [payload, payload])
                            mine.append((range.lowerBound, payload))
                            mine.append((range.lowerBound + 1, payload))
                        } else {
                            mine.append((try log.append(payload), payload))
                        }
                    }
                    // Each writer's own appends are ordered.
                    #expect(zip(mine, mine.dropFirst()).allSatisfy { $0.0 < $1.0 })
                    return mine
                }
            }
            var all: [(UInt64, [UInt8])] = []
            for try await part in group { all += part }
            return all
        }
        let sorted = positions.map(\.0).sorted()
        #expect(sorted == Array(0..<UInt64(sorted.count)), "positions must be unique and dense")
        for (position, payload) in positions {
            #expect(try log.read(at: position).payload == payload)
        }
        try log.close()
    }

    @Test func transactionsAreAtomicAndAbortedOnesNeverAppear() throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanUp() }
        let log = try WriteAheadLog.open(directory: dir.path, configuration: smallConfiguration(.group))
        let a = try log.stream(named: "a")
        let b = try log.stream(named: "b")
        let committed = log.beginTransaction()
        try committed.append([1], to: a)
        try committed.append([2], to: b)
        try committed.append([3], to: a)
        #expect(log.endPosition == 0, "nothing is visible before commit")
        #expect(try committed.commit() == 0..<3)
        #expect(throws: WALError.transactionFinished) { try committed.append([4]) }
        let aborted = log.beginTransaction()
        try aborted.append([9], to: a)
        aborted.abort()
        #expect(throws: WALError.transactionFinished) { try aborted.commit() }
        try log.append([5], to: b)
        try log.close()
        let reopened = try WriteAheadLog.open(directory: dir.path, configuration: smallConfiguration(.group))
        #expect(try allRecords(reopened).map(\.payload) == [[1], [2], [3], [5]])
        #expect(reopened.recordCount(in: a) == 2)
    }

    @Test func retentionDropsWholeSealedSegmentsOnly() throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanUp() }
        let log = try WriteAheadLog.open(directory: dir.path, configuration: smallConfiguration())
        for i in 0..<3000 { try log.append([UInt8](repeating: UInt8(i % 256), count: 100)) }
        let segmentsBefore = log.segmentCount
        #expect(segmentsBefore > 3)
        let removed = try log.truncate(below: 1500)
        #expect(removed > 0)
        #expect(log.segmentCount == segmentsBefore - removed)
        #expect(log.startPosition <= 1500)
        #expect(throws: WALError.positionRemoved(position: 0, firstAvailable: log.startPosition)) { try log.read(at: 0) }
        #expect(try log.read(at: 2999).payload.first == UInt8(2999 % 256))
        let start = log.startPosition
        try log.close()
        let reopened = try WriteAheadLog.open(directory: dir.path, configuration: smallConfiguration())
        #expect(reopened.startPosition == start)
        #expect(reopened.endPosition == 3000)
    }

    @Test func messagesConvertLosslessly() throws {
        let message = BrokerMessage(
            stream: "payments", key: Array("user-17".utf8), value: [0, 1, 2, 255],
            headers: [.init(name: "trace", value: [7, 7]), .init(name: "ü", value: [])],
            timestampMilliseconds: -1_700_000_000_123)
        let entry = MessageCodec.encode(message)
        #expect(entry.stream == "payments")
        #expect(try MessageCodec.decode(entry) == message)
        let bare = BrokerMessage(stream: "s", value: [UInt8](repeating: 1, count: 64), timestampMilliseconds: 5)
        #expect(MessageCodec.encode(bare).payload.count == 64 + 4, "4 bytes of overhead for a bare 64-byte value")
        // Every truncation of an encoded message is refused, never crashes.
        for cut in 0..<entry.payload.count - message.value.count {
            let damaged = StorageEntry(stream: "payments", payload: Array(entry.payload[..<cut]))
            #expect(throws: WALError.self) { try MessageCodec.decode(damaged) }
        }
        let dir = TemporaryDirectory()
        defer { dir.cleanUp() }
        let log = try WriteAheadLog.open(directory: dir.path, configuration: smallConfiguration())
        let position = try log.append(message: message)
        #expect(try log.readMessage(at: position) == message)
    }

    @Test func asyncReplayTailsNewAppends() async throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanUp() }
        let log = try WriteAheadLog.open(directory: dir.path, configuration: smallConfiguration(.group))
        try log.append([0])
        let reader = Task {
            var seen: [UInt8] = []
            for try await record in log.replay(from: 0, follow: true) {
                seen.append(record.payload[0])
                if seen.count == 5 { break }
            }
            return seen
        }
        for i in 1..<5 {
            try await Task.sleep(for: .milliseconds(5))
            try log.append([UInt8(i)])
        }
        #expect(try await reader.value == [0, 1, 2, 3, 4])
        // Non-following replay ends at the visible end.
        var count = 0
        for try await _ in log.replay(from: 2) { count += 1 }
        #expect(count == 3)
        // The synchronous cursor waits for a record when asked to.
        let cursor = log.cursor(from: 5)
        #expect(try cursor.next() == nil)
        // A real thread: this test blocks a cooperative-pool thread below, and on 2 cores a Task
        // appender might never get one.
        Thread {
            usleep(20_000)
            _ = try? log.append([42])
        }.start()
        #expect(try cursor.next(waitingUpTo: 5_000_000_000)?.payload == [42])
        try log.close()
    }

    @Test func backgroundPreparedSegmentsAndIntervalSyncWork() throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanUp() }
        var configuration = WALConfiguration(segmentSize: 64 * 1024, syncPolicy: .interval(milliseconds: 2))
        configuration.preallocation = .zeroFill
        let log = try WriteAheadLog.open(directory: dir.path, configuration: configuration)
        for i in 0..<2000 { try log.append([UInt8](repeating: UInt8(i % 251), count: 120)) }
        #expect(log.segmentCount > 3)
        try log.close()
        let reopened = try WriteAheadLog.open(directory: dir.path, configuration: configuration)
        #expect(reopened.endPosition == 2000)
        #expect(reopened.recoveryReport.removedTemporaryFiles.count <= 1)
        #expect(try reopened.read(at: 1999).payload == [UInt8](repeating: UInt8(1999 % 251), count: 120))
    }

    /// Closing while appenders are running: every append either succeeds (and is then on disk) or
    /// fails with .closed; nothing crashes, and the reopened log holds exactly the acknowledged records.
    @Test func closeDuringConcurrentAppends() async throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanUp() }
        let log = try WriteAheadLog.open(directory: dir.path, configuration: smallConfiguration(.group, segmentSize: 1 << 20))
        let acknowledged = try await withThrowingTaskGroup(of: [UInt64].self) { group in
            for writer in 0..<4 {
                group.addTask {
                    var mine: [UInt64] = []
                    for i in 0..<400 {
                        switch walOutcome { try log.append([UInt8(writer), UInt8(i % 256)]) } {
                        case .success(let position): mine.append(position)
                        case .failure(let error):
                            #expect(error == .closed)
                            return mine
                        }
                    }
                    return mine
                }
            }
            group.addTask {
                try await Task.sleep(for: .milliseconds(30))
                try log.close()
                return []
            }
            var all: [UInt64] = []
            for try await part in group { all += part }
            return all.sorted()
        }
        let reopened = try WriteAheadLog.open(directory: dir.path, configuration: smallConfiguration(.group, segmentSize: 1 << 20))
        #expect(reopened.endPosition == UInt64(acknowledged.count))
        #expect(acknowledged == Array(0..<UInt64(acknowledged.count)))
    }

    /// Per-batch compression (off by default): compressible batches take less disk, every record
    /// reads back (by position, zero-copy view, cursor, stream) before and after reopening, and a
    /// damaged compressed frame is reported, never returned.
    @Test func compressedBatchesRoundTrip() throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanUp() }
        var configuration = smallConfiguration(.group, segmentSize: 256 * 1024)
        configuration.compression = .zlib(level: 6)
        configuration.compressionThreshold = 256
        var expected: [[UInt8]] = []
        let written: Int
        do {
            let log = try WriteAheadLog.open(directory: dir.path, configuration: configuration)
            let s = try log.stream(named: "logs")
            for i in 0..<300 {
                let batch = (0..<20).map { j in Array("log line \(i)-\(j): the quick brown fox jumps over the lazy dog ".utf8) }
                try log.append(batch: batch, to: i % 3 == 0 ? s : .default)
                expected += batch
                try log.append(Array("single \(i)".utf8))  // small: stored uncompressed
                expected.append(Array("single \(i)".utf8))
            }
            written = dir.segmentFiles.count * 256 * 1024 - 256 * 1024 + log.tailSegment.writtenBytes
            for (position, payload) in expected.enumerated() {
                #expect(try log.read(at: UInt64(position)).payload == payload)
            }
            try log.close()
        }
        let raw = expected.reduce(0) { $0 + $1.count }
        #expect(written < raw / 2, "compressible batches shrink (\(written) bytes on disk for \(raw) of payload)")
        let log = try WriteAheadLog.open(directory: dir.path, configuration: configuration)
        #expect(try allRecords(log).map(\.payload) == expected)
        #expect(try log.withRecord(at: 5) { Array($0.payload) } == expected[5])
        let stream = try #require(log.existingStream(named: "logs"))
        let cursor = log.cursor(stream: stream)
        var count = 0
        while let record = try cursor.next() {
            #expect(record.stream == stream)
            count += 1
        }
        #expect(count == 100 * 20)
        try log.close()
        // Damage inside a compressed frame of a sealed segment: reported, never returned.
        let first = dir.segmentFiles[0]
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: first)))
        bytes[64 + 200] ^= 0x40
        try Data(bytes).write(to: URL(fileURLWithPath: first))
        switch walOutcome { try WriteAheadLog.open(directory: dir.path, configuration: configuration) } {
        case .success(let damaged):
            #expect(throws: WALError.self) { try damaged.read(at: 0) }
        case .failure(let error):
            guard case .corruption = error else {
                Issue.record("\(error)")
                return
            }
        }
    }

    /// The pread fallback reads exactly what the mappings read: across rotations, after reopening,
    /// with compressed frames, and after a torn tail is cut.
    @Test func preadFallbackReadsTheSame() throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanUp() }
        var configuration = smallConfiguration(.group, segmentSize: 64 * 1024)
        configuration.readStrategy = .pread
        configuration.compression = .zlib(level: 1)
        var rng = SplitMix64(seed: 99)
        var expected: [[UInt8]] = []
        do {
            let log = try WriteAheadLog.open(directory: dir.path, configuration: configuration)
            for i in 0..<200 {
                let batch = (0..<Int(rng.next() % 8 + 1)).map { j -> [UInt8] in
                    i % 2 == 0
                        ? Array(String(repeating: "abc\(j)", count: 40).utf8)
                        : (0..<Int(rng.next() % 300)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
                }
                try log.append(batch: batch)
                expected += batch
            }
            #expect(log.segmentCount >= 2, "crosses a rotation")
            for (position, payload) in expected.enumerated() { #expect(try log.read(at: UInt64(position)).payload == payload) }
            #expect(try allRecords(log).map(\.payload) == expected)
            try log.close()
        }
        let log = try WriteAheadLog.open(directory: dir.path, configuration: configuration)
        #expect(try allRecords(log).map(\.payload) == expected)
        let (tail, used) = log.tailSegment
        try log.close()
        // Cut the tail inside its last frame (past any zero padding): recovery truncates, the copy follows.
        #expect(truncate(tail, off_t(used - 20)) == 0)
        let repaired = try WriteAheadLog.open(directory: dir.path, configuration: configuration)
        #expect(repaired.recoveryReport.truncatedFile == tail)
        let survivors = try allRecords(repaired).map(\.payload)
        #expect(survivors == Array(expected.prefix(survivors.count)) && survivors.count < expected.count)
        #expect(try repaired.append([7]) == UInt64(survivors.count))
        #expect(try repaired.read(at: UInt64(survivors.count)).payload == [7])
    }
}
