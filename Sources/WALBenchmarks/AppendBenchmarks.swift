import Foundation
import KaelixWAL

/// Single-append latency per sync tier, batch throughput, and concurrent writers.
enum AppendBenchmarks {
    static func configuration(_ context: RoundContext, policy: SyncPolicy, volume: Int) -> WALConfiguration {
        // Prepare the next segment in the background only when the round will need it; otherwise
        // the zero-fill of an unused segment would compete with the measured appends.
        context.scenario.walConfiguration(policy, prepareInBackground: volume > context.scenario.segmentSize / 2)
    }

    static func policyFromLabel(_ label: String) -> SyncPolicy {
        switch label {
        case "interval": return .interval(milliseconds: 5)
        case "group": return .group
        case "every": return .everyWrite
        default: return .none
        }
    }

    /// `wal.append.single/<size>/sync=<tier>`: latency of one `append` as acknowledged under the tier.
    static func single(size: Int, policy: String) -> BenchmarkDefinition {
        BenchmarkDefinition(
            "wal.append.single/\(sizeLabel(size))/sync=\(policy)",
            tags: ["family": "append.single", "size": "\(size)", "sync": policy]
        ) { context in
            let tier = policyFromLabel(policy)
            let operations =
                tier.acknowledgesAfterSync
                ? context.scenario.syncedOperations
                : max(500, min(20_000, context.scenario.volumeBytes / size))
            let fs = CountingFileSystem()
            let walConfiguration = configuration(context, policy: tier, volume: operations * size)
            let log = try WriteAheadLog.open(directory: context.path("wal"), configuration: walConfiguration, fileSystem: fs)
            defer { try? log.close() }
            let exact = policy != "interval" && !walConfiguration.prepareSegmentsInBackground
            let payload = [UInt8](repeating: 0xA5, count: size)
            for _ in 0..<min(200, operations / 5) { try log.append(payload) }
            fs.reset()
            var latencies = LatencyRecorder()
            let phase = MeasuredPhase.start()
            for _ in 0..<operations {
                latencies.record(try context.time { try log.append(payload) })
            }
            let elapsed = phase.stop()
            return (
                operations,
                latencies.values + rateValues(messages: operations, bytes: operations * size, nanoseconds: elapsed.wall)
                    + elapsed.values(operations: operations) + fs.perMessage(operations, exact: exact)
            )
        }
    }

    /// Messages per throughput round for `size`-byte messages.
    static func messages(_ context: RoundContext, size: Int, batch: Int) -> Int {
        let wanted = max(context.scenario.minimumMessages, context.scenario.volumeBytes / size)
        let capped = min(wanted, max(batch, (48 << 20) / size))
        return max(batch, capped / batch * batch)
    }

    /// Messages per round of a batch benchmark that syncs every batch: a quarter of the scenario's
    /// synced operations as batches (each one device flush of the whole batch), within the
    /// throughput round's volume. The floor's `floor.sync.batch` writes as many.
    static func syncedMessages(_ context: RoundContext, size: Int, batch: Int) -> Int {
        min(messages(context, size: size, batch: batch), max(batch, context.scenario.syncedOperations / 4 * batch))
    }

    /// `wal.append.batch/<size>/batch=<n>`: one frame per batch, sync=none; msg/s, MB/s and ns/msg.
    /// With `sync`, `wal.append.batch/<size>/batch=<n>/sync=every`: each batch acknowledged only
    /// once it is on disk (one fdatasync per batch), the figure a broker that acknowledges durable
    /// batches sees.
    static func batch(size: Int, batch: Int, sync: Bool = false) -> BenchmarkDefinition {
        BenchmarkDefinition(
            "wal.append.batch/\(sizeLabel(size))/batch=\(batch)" + (sync ? "/sync=every" : ""),
            tags: ["family": "append.batch", "size": "\(size)", "batch": "\(batch)", "sync": sync ? "every" : "none"]
                .merging(size == 64 && batch == 1000 && !sync ? [InstructionCount.tag: "counted"] : [:]) { $1 }
        ) { context in
            let total = sync ? syncedMessages(context, size: size, batch: batch) : messages(context, size: size, batch: batch)
            let fs = CountingFileSystem()
            let walConfiguration = configuration(context, policy: sync ? .everyWrite : .none, volume: total * size)
            let log = try WriteAheadLog.open(directory: context.path("wal"), configuration: walConfiguration, fileSystem: fs)
            defer { try? log.close() }
            let payload = [UInt8](repeating: 0x5A, count: size)
            let payloads = [[UInt8]](repeating: payload, count: batch)
            try log.append(batch: payloads)
            fs.reset()
            var batchLatencies = LatencyRecorder()
            let phase = MeasuredPhase.start()
            for _ in 0..<(total / batch) {
                batchLatencies.record(
                    try context.time {
                        if batch == 1 { try log.append(payload) } else { try log.append(batch: payloads) }
                    })
            }
            let elapsed = phase.stop()
            let batchP99 = batchLatencies.values.first { $0.name == "p99" }?.value
            return (
                total,
                rateValues(messages: total, bytes: total * size, nanoseconds: elapsed.wall)
                    + [MeasuredValue(MetricSpec.batchP99, batchP99)] + elapsed.values(operations: total)
                    + fs.perMessage(total, exact: !walConfiguration.prepareSegmentsInBackground)
            )
        }
    }

    /// Appends per writer in `wal.append.concurrent/writers=<n>` (and its floor): fewer as writers
    /// grow, so a round's duration stays about the same.
    static func concurrentAppendsPerWriter(_ context: RoundContext, writers: Int) -> Int {
        max(10, context.scenario.syncedOperations * 4 / max(1, writers / 2 + 1))
    }

    /// `wal.append.concurrent/writers=<n>/64B/sync=group`: n threads appending at once through
    /// group commit; aggregate msg/s and per-append latency.
    static func concurrent(writers: Int) -> BenchmarkDefinition {
        BenchmarkDefinition(
            "wal.append.concurrent/writers=\(writers)/64B/sync=group",
            tags: ["family": "append.concurrent", "writers": "\(writers)", "size": "64", "sync": "group"]
        ) { context in
            let perWriter = concurrentAppendsPerWriter(context, writers: writers)
            let fs = CountingFileSystem()
            let log = try WriteAheadLog.open(
                directory: context.path("wal"),
                configuration: configuration(context, policy: .group, volume: 0), fileSystem: fs)
            defer { try? log.close() }
            let payload = [UInt8](repeating: 0x33, count: 64)
            for _ in 0..<20 { try log.append(payload) }
            fs.reset()
            let results = ThreadResults(count: writers)
            let phase = MeasuredPhase.start()
            let threads = (0..<writers).map { index in
                Thread {
                    var latencies = LatencyRecorder()
                    do {
                        for _ in 0..<perWriter { latencies.record(try context.time { try log.append(payload) }) }
                        results.set(index, .success(latencies))
                    } catch {
                        results.set(index, .failure(error))
                    }
                }
            }
            for thread in threads {
                thread.stackSize = 1 << 20
                thread.start()
            }
            let recorders = try results.wait()
            let elapsed = phase.stop()
            var merged = LatencyRecorder()
            for recorder in recorders { merged.merge(recorder) }
            let total = perWriter * writers
            // How many appends share a group commit depends on timing: the counters are not exact here.
            return (
                total,
                merged.values + rateValues(messages: total, bytes: total * 64, nanoseconds: elapsed.wall)
                    + elapsed.values(operations: total) + fs.perMessage(total, exact: false)
            )
        }
    }
}

/// Collects one result per thread and lets the caller wait for all of them.
final class ThreadResults: @unchecked Sendable {
    private let condition = NSCondition()
    private var results: [Result<LatencyRecorder, any Error>?]

    init(count: Int) { results = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ result: Result<LatencyRecorder, any Error>) {
        condition.lock()
        results[index] = result
        condition.broadcast()
        condition.unlock()
    }

    func wait() throws -> [LatencyRecorder] {
        condition.lock()
        defer { condition.unlock() }
        while results.contains(where: { $0 == nil }) { condition.wait() }
        return try results.map { try $0!.get() }
    }
}
