import KaelixWAL
import PerfgateSupport

/// Reads through the memory mappings (resident data) and streaming replay.
enum ReadBenchmarks {
    /// Writes `count` records of `size` bytes in batches of 1000 and returns the log.
    static func filledLog(_ context: RoundContext, count: Int, size: Int) throws -> WriteAheadLog {
        let configuration = context.scenario.walConfiguration(.none)
        let log = try WriteAheadLog.open(directory: context.path("wal"), configuration: configuration)
        var rng = SplitMix64(seed: context.seed)
        var written = 0
        while written < count {
            let n = min(1000, count - written)
            try log.append(batch: (0..<n).map { _ in (0..<size).map { _ in UInt8(truncatingIfNeeded: rng.next()) } })
            written += n
        }
        return log
    }

    static func recordCount(_ context: RoundContext, size: Int) -> Int {
        min(context.scenario.minimumMessages / 2, (32 << 20) / size)
    }

    /// `wal.read.<pattern>/<size>/mmap`: latency of a zero-copy read by position of resident data.
    static func read(random: Bool, size: Int) -> BenchmarkDefinition {
        let pattern = random ? "random" : "sequential"
        return BenchmarkDefinition(
            "wal.read.\(pattern)/\(sizeLabel(size))/mmap",
            tags: ["family": "read", "pattern": pattern, "size": "\(size)"]
        ) { context in
            let count = recordCount(context, size: size)
            let log = try filledLog(context, count: count, size: size)
            defer { try? log.close() }
            var rng = SplitMix64(seed: context.seed ^ 0xDEAD)
            let operations = min(count, 100_000)
            var checksum = 0
            // Warm-up: touch every page that holds a record's start once, so the measurement is of
            // resident, mapped data, as the floor's is (it scans its whole mapping first). Records
            // less than 2 KB apart touch every 4 KB page; every 64th record (the stride before) left
            // one page in seven of 64-byte records untouched, and 15 in 16 of 1 KB records, so
            // their first reads took page faults the floor never takes.
            for position in stride(from: 0, to: count, by: max(1, 2048 / (size + 2))) {
                checksum &+= try log.withRecord(at: UInt64(position)) { Int($0.payload.count) }
            }
            var latencies = LatencyRecorder()
            let phase = MeasuredPhase.start()
            for i in 0..<operations {
                let position = random ? UInt64(rng.next() % UInt64(count)) : UInt64(i)
                latencies.record(
                    try context.time {
                        checksum &+= try log.withRecord(at: position) { Int($0.payload[0]) }
                    })
            }
            let elapsed = phase.stop()
            precondition(checksum != Int.min)
            return (
                operations,
                latencies.values + rateValues(messages: operations, bytes: operations * size, nanoseconds: elapsed.wall)
                    + elapsed.values(operations: operations)
            )
        }
    }

    /// `wal.replay/<size>`: a cursor over the whole log after reopening, reading every record
    /// without copying it (``WALCursor/forEachRecord(limit:_:)``, as a broker rebuilding its state
    /// would) and touching each payload's first byte; msg/s and MB/s.
    static func replay(size: Int) -> BenchmarkDefinition {
        BenchmarkDefinition(
            "wal.replay/\(sizeLabel(size))", tags: ["family": "replay", "size": "\(size)", InstructionCount.tag: "counted"]
        ) {
            context in
            let count = recordCount(context, size: size)
            try filledLog(context, count: count, size: size).close()
            let log = try WriteAheadLog.open(directory: context.path("wal"))
            defer { try? log.close() }
            let cursor = log.cursor()
            var seen = 0
            var bytes = 0
            let phase = MeasuredPhase.start()
            var sink: UInt8 = 0
            let elapsed = try context.time {
                seen = try cursor.forEachRecord { record in
                    bytes += record.payload.count
                    sink ^= record.payload.first ?? 0
                }
            }
            precondition(sink != 1 || bytes > 0)
            let cost = phase.stop()
            guard seen == count else { throw BenchmarkFailure("replay returned \(seen) of \(count) records") }
            return (count, rateValues(messages: count, bytes: bytes, nanoseconds: elapsed) + cost.values(operations: count))
        }
    }
}

/// A benchmark that could not do its work (as opposed to a slow one).
struct BenchmarkFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
