/// Which benchmarks each scenario runs. Ids are stable: baselines and targets refer to them.
public enum BenchmarkCatalog {
    public static let messageSizes = [64, 1024, 65536]
    public static let batchSizes = [1, 10, 100, 1000, 10_000]
    public static let writerCounts = [1, 4, 8, 16, 32]
    public static let syncPolicies = ["none", "interval", "group", "every"]

    /// The benchmarks of `scenario`, in a fixed order (the runner interleaves their rounds).
    public static func benchmarks(for scenario: Scenario) -> [BenchmarkDefinition] {
        var list: [BenchmarkDefinition] = []
        let full = scenario == .comprehensive || scenario == .stress || scenario == .smoke
        // Single-append latency per size and tier.
        for size in messageSizes {
            for policy in syncPolicies where full || scenario != .validate || (size == 64 && policy == "none") {
                if scenario == .quick && size == 65536 && policy != "none" { continue }
                list.append(AppendBenchmarks.single(size: size, policy: policy))
            }
        }
        // Batch throughput and amortized cost.
        for size in messageSizes {
            for batch in batchSizes where size * batch <= scenario.segmentSize / 2 {
                let inCI = (size == 64) || (size == 1024 && (batch == 100 || batch == 10_000)) || (size == 65536 && batch == 100)
                let inValidate = size == 64 && batch == 10_000
                if full || (scenario == .ci && inCI) || (scenario == .quick && inCI && batch != 10) || (scenario == .validate && inValidate)
                {
                    list.append(AppendBenchmarks.batch(size: size, batch: batch))
                }
            }
        }
        // Concurrent writers through group commit.
        for writers in writerCounts {
            let inCI = writers == 1 || writers == 4 || writers == 16
            if full || (scenario == .ci && inCI) || (scenario == .quick && writers == 4) {
                list.append(AppendBenchmarks.concurrent(writers: writers))
            }
        }
        // Reads and replay.
        list.append(ReadBenchmarks.read(random: true, size: 64))
        if scenario != .validate {
            list.append(ReadBenchmarks.read(random: false, size: 64))
            list.append(ReadBenchmarks.replay(size: 64))
            if full || scenario == .ci { list.append(ReadBenchmarks.replay(size: 1024)) }
            if full { list.append(ReadBenchmarks.read(random: true, size: 1024)) }
        }
        // Recovery and memory per stream.
        list.append(RecoveryBenchmarks.recovery(cold: false, volume: scenario.recoveryBytes))
        if full || scenario == .validate || scenario == .ci {
            list.append(RecoveryBenchmarks.recovery(cold: true, volume: scenario.recoveryBytes))
        }
        list.append(OperationBenchmarks.inactiveStreams())
        if scenario != .validate {
            // Basic operations, conversion, transactions.
            list.append(OperationBenchmarks.create(preallocation: .zeroFill))
            list.append(OperationBenchmarks.create(preallocation: .fallocate))
            list.append(OperationBenchmarks.reopen())
            for size in [64, 1024] where full || size == 64 || scenario == .ci {
                list.append(OperationBenchmarks.convert(encode: true, size: size))
                list.append(OperationBenchmarks.convert(encode: false, size: size))
            }
            for k in [1, 10, 100] where full || k != 1 || scenario == .ci {
                list.append(OperationBenchmarks.transaction(records: k))
            }
        }
        // The machine's floor for the same work, in C (floor.c), and the WAL's synced batch next to
        // its floor; then the pure-CPU control and the preallocation measurement.
        list.append(FloorBenchmarks.batch(size: 64, batch: 10_000, sync: false))
        list.append(FloorBenchmarks.single(size: 64, sync: false))
        list.append(FloorBenchmarks.randomRead(size: 64))
        if scenario != .validate {
            list.append(AppendBenchmarks.batch(size: 64, batch: 10_000, sync: true))
            list.append(FloorBenchmarks.batch(size: 64, batch: 10_000, sync: true))
            list.append(FloorBenchmarks.single(size: 64, sync: true))
            list.append(FloorBenchmarks.scan(size: 64))
            list.append(FloorBenchmarks.scan(size: 64, verify: false))
        }
        if full || scenario == .ci { list.append(FloorBenchmarks.scan(size: 1024, verify: false)) }
        // Group commit in C beside the WAL's concurrent writers, one per writer count the scenario
        // runs: the controls that feel a busy core and a busy disk the way threads waking one
        // another and syncing do, each the counterpart of the WAL's benchmark with as many writers.
        for writers in writerCounts where full || (scenario == .ci && [1, 4, 16].contains(writers)) || (scenario == .quick && writers == 4)
        {
            list.append(FloorBenchmarks.groupCommit(writers: writers))
        }
        if full {
            list.append(FloorBenchmarks.batch(size: 1024, batch: 1000, sync: false))
            list.append(FloorBenchmarks.randomRead(size: 1024))
        }
        list.append(ReferenceBenchmarks.cpu())
        if scenario != .validate {
            list.append(ReferenceBenchmarks.preallocationSync(zeroFill: true))
            list.append(ReferenceBenchmarks.preallocationSync(zeroFill: false))
        }
        return withCounterparts(list)
    }

    /// `list` with each WAL benchmark that has a counterpart in it tagged `counterpart: <id>`.
    static func withCounterparts(_ list: [BenchmarkDefinition]) -> [BenchmarkDefinition] {
        let ids = Set(list.map(\.id))
        return list.map { definition in
            guard let floor = counterpart(of: definition.id), ids.contains(floor) else { return definition }
            return definition.tagged("counterpart", floor)
        }
    }

    /// The control that does a WAL benchmark's work in straight C — the same record layout, CRC
    /// and system calls, no WAL code (``FloorBenchmarks``) — or nil when there is none.
    ///
    /// The gate reads it from the benchmark's `counterpart` tag: when a regression the paired
    /// rounds could not settle is no larger than its own counterpart's slowdown in the same run,
    /// the machine explains it even if no other control moved (a disk load that comes and goes
    /// moves the synced work and little else). The floor table (``FloorRatio``) divides by it too.
    public static func counterpart(of id: String) -> String? {
        let parts = id.split(separator: "/").map(String.init)
        guard parts.count >= 2 else { return nil }
        switch parts[0] {
        case "wal.append.batch" where parts.count == 3:
            return "floor.write.batch/\(parts[1])/\(parts[2])"
        case "wal.append.batch" where parts.count == 4 && parts[3] == "sync=every":
            return "floor.sync.batch/\(parts[1])/\(parts[2])"
        case "wal.append.single" where parts.count == 3 && parts[2] == "sync=none":
            return "floor.write.single/\(parts[1])"
        case "wal.append.single" where parts.count == 3 && parts[2] == "sync=every":
            return "floor.sync.single/\(parts[1])"
        case "wal.append.concurrent" where parts.count == 4 && parts[3] == "sync=group":
            return "floor.sync.group/\(parts[1])/\(parts[2])"
        case "wal.read.random" where parts.count == 3 && parts[2] == "mmap":
            return "floor.read.random/\(parts[1])"
        case "wal.replay":
            return "floor.walk/\(parts[1])"
        case "wal.recovery" where parts[1] == "warm":
            return "floor.scan/64B"
        default:
            return nil
        }
    }

    /// Every benchmark id the suite knows, in any scenario.
    public static var allIDs: Set<String> {
        Set(Scenario.allCases.flatMap { benchmarks(for: $0).map(\.id) })
    }

    /// Every metric name the suite reports.
    public static var allMetricNames: Set<String> { Set(MetricSpec.catalog.map(\.name)) }

    /// The definition with this id, whichever scenario lists it.
    public static func definition(id: String) -> BenchmarkDefinition? {
        for scenario in [Scenario.comprehensive, .stress, .ci, .quick, .validate, .smoke] {
            if let found = benchmarks(for: scenario).first(where: { $0.id == id }) { return found }
        }
        return nil
    }
}
