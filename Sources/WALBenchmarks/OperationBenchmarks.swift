import Glibc
import KaelixWAL

/// Basic operations, message conversion, transactions and per-stream memory.
enum OperationBenchmarks {
    /// `wal.open.create/prealloc=<mode>`: create a new log (first segment included).
    static func create(preallocation: Preallocation) -> BenchmarkDefinition {
        BenchmarkDefinition(
            "wal.open.create/prealloc=\(preallocation.rawValue)",
            tags: ["family": "operations", "preallocation": preallocation.rawValue]
        ) { context in
            let repetitions = context.scenario == .smoke ? 2 : 5
            var latencies = LatencyRecorder()
            let phase = MeasuredPhase.start()
            for i in 0..<repetitions {
                var configuration = WALConfiguration(segmentSize: context.scenario.segmentSize, syncPolicy: .group)
                configuration.preallocation = preallocation
                configuration.prepareSegmentsInBackground = false
                var log: WriteAheadLog?
                latencies.record(
                    try context.time {
                        log = try WriteAheadLog.open(directory: context.path("create-\(i)"), configuration: configuration)
                    })
                try log?.close()
            }
            let cost = phase.stop()
            return (
                repetitions, latencies.values.filter { ["p50", "max", "mean"].contains($0.name) } + cost.values(operations: repetitions)
            )
        }
    }

    /// `wal.open.existing`: reopen a cleanly closed log of 10 000 records.
    static func reopen() -> BenchmarkDefinition {
        BenchmarkDefinition("wal.open.existing", tags: ["family": "operations"]) { context in
            let configuration = context.scenario.walConfiguration(.none)
            let directory = context.path("wal")
            let log = try WriteAheadLog.open(directory: directory, configuration: configuration)
            try log.append(batch: [[UInt8]](repeating: [1, 2, 3, 4], count: 10_000))
            try log.close()
            var latencies = LatencyRecorder()
            let repetitions = 20
            let phase = MeasuredPhase.start()
            for _ in 0..<repetitions {
                var reopened: WriteAheadLog?
                latencies.record(try context.time { reopened = try WriteAheadLog.open(directory: directory, configuration: configuration) })
                try reopened?.close()
            }
            let cost = phase.stop()
            return (
                repetitions,
                latencies.values.filter { ["p50", "p90", "max", "mean"].contains($0.name) } + cost.values(operations: repetitions)
            )
        }
    }

    /// `wal.convert.<encode|decode>/<size>`: broker message ⇄ storage entry.
    static func convert(encode: Bool, size: Int) -> BenchmarkDefinition {
        let direction = encode ? "encode" : "decode"
        return BenchmarkDefinition(
            "wal.convert.\(direction)/\(sizeLabel(size))",
            tags: ["family": "convert", "direction": direction, "size": "\(size)", InstructionCount.tag: "counted"]
        ) { context in
            let message = BrokerMessage(
                stream: "orders", key: Array("customer-42".utf8), value: [UInt8](repeating: 7, count: size),
                headers: [.init(name: "trace-id", value: [1, 2, 3, 4, 5, 6, 7, 8])],
                timestampMilliseconds: 1_764_000_000_000)
            let entry = MessageCodec.encode(message)
            let operations = context.scenario == .smoke ? 1_000 : 200_000
            var sink = 0
            let phase = MeasuredPhase.start()
            let elapsed = try context.time {
                for _ in 0..<operations {
                    if encode {
                        sink &+= MessageCodec.encode(message).payload.count
                    } else {
                        sink &+= try MessageCodec.decode(entry).value.count
                    }
                }
            }
            let cost = phase.stop()
            precondition(sink != Int.min)
            return (
                operations,
                rateValues(messages: operations, bytes: operations * entry.payload.count, nanoseconds: elapsed)
                    + cost.values(operations: operations)
            )
        }
    }

    /// `wal.txn/k=<k>`: begin, k appends of 64 B, commit (sync=none).
    static func transaction(records: Int) -> BenchmarkDefinition {
        BenchmarkDefinition("wal.txn/k=\(records)", tags: ["family": "txn", "records": "\(records)", "sync": "none"]) { context in
            let configuration = context.scenario.walConfiguration(.none)
            let log = try WriteAheadLog.open(directory: context.path("wal"), configuration: configuration)
            defer { try? log.close() }
            let stream = try log.stream(named: "payments")
            let payload = [UInt8](repeating: 9, count: 64)
            let transactions = max(20, min(20_000, context.scenario.minimumMessages / 10 / records))
            var latencies = LatencyRecorder()
            let phase = MeasuredPhase.start()
            for _ in 0..<transactions {
                latencies.record(
                    try context.time {
                        let transaction = log.beginTransaction()
                        for _ in 0..<records { try transaction.append(payload, to: stream) }
                        try transaction.commit()
                    })
            }
            let elapsed = phase.stop()
            let messages = transactions * records
            return (
                transactions,
                latencies.values + rateValues(messages: messages, bytes: messages * 64, nanoseconds: elapsed.wall)
                    + elapsed.values(operations: transactions)
            )
        }
    }

    /// `wal.streams.inactive/<n>`: resident memory per stream that holds one record and is idle.
    static func inactiveStreams() -> BenchmarkDefinition {
        BenchmarkDefinition("wal.streams.inactive", tags: ["family": "streams"]) { context in
            let count = context.scenario.inactiveStreams
            let configuration = context.scenario.walConfiguration(.none)
            let log = try WriteAheadLog.open(directory: context.path("wal"), configuration: configuration)
            defer { try? log.close() }
            let payload = [UInt8](repeating: 1, count: 64)
            for i in 0..<100 { try log.append(payload, to: try log.stream(named: "warm-\(i)")) }
            guard let before = residentBytes() else {
                return (
                    count,
                    [
                        MeasuredValue(
                            MetricSpec.memoryPerStream, nil,
                            unavailableReason: "/proc/self/statm is not readable")
                    ]
                )
            }
            let phase = MeasuredPhase.start()
            let elapsed = try context.time {
                for i in 0..<count { try log.append(payload, to: try log.stream(named: "stream-\(i)")) }
            }
            let cost = phase.stop()
            let after = residentBytes() ?? before
            let perStream = Double(after &- min(after, before)) / Double(count)
            return (
                count,
                [
                    MeasuredValue(MetricSpec.memoryPerStream, perStream),
                    MeasuredValue(MetricSpec.createPerStream, Double(elapsed) / Double(count)),
                ] + cost.values(operations: count)
            )
        }
    }
}
