import PerfgateCore

/// How `perfgate run --shard i/N` splits a scenario's benchmarks across N runners: deterministic
/// (every runner of one perfgate version computes the same split without talking to the others)
/// and balanced by each benchmark's expected cost, longest first onto the least loaded shard
/// (LPT scheduling, within 4/3 of the best possible split).
public enum ShardPlan {
    /// The benchmarks of `definitions` that shard `shard` runs, in their catalog order.
    public static func share(of definitions: [BenchmarkDefinition], shard: Shard) -> [BenchmarkDefinition] {
        let assignment = assign(definitions, shards: shard.count)
        return definitions.filter { assignment[$0.id] == shard.index }
    }

    /// Every benchmark's shard (1-based) among `shards`.
    public static func assign(_ definitions: [BenchmarkDefinition], shards: Int) -> [String: Int] {
        var load = [Double](repeating: 0, count: max(1, shards))
        var assignment: [String: Int] = [:]
        let ordered = definitions.sorted { weight($0) != weight($1) ? weight($0) > weight($1) : $0.id < $1.id }
        for definition in ordered {
            let lightest = load.indices.min { load[$0] != load[$1] ? load[$0] < load[$1] : $0 < $1 }!
            load[lightest] += weight(definition)
            assignment[definition.id] = lightest + 1
        }
        return assignment
    }

    /// Expected seconds of one ci-scenario round of `definition` (process start included), from
    /// the suite's tags; measured on a 2-core runner, one `_round` each. Only the ratios matter.
    static func weight(_ definition: BenchmarkDefinition) -> Double {
        let tags = definition.tags
        switch tags["family"] {
        case "append.single": return tags["sync"] == "none" ? 0.09 : 0.21
        case "append.batch": return tags["batch"] == "1" ? 0.51 : (tags["size"] == "1024" && tags["batch"] == "10000" ? 0.33 : 0.12)
        case "append.concurrent": return 0.4
        case "read": return 0.16
        case "replay": return 0.35
        case "recovery": return 0.28
        case "operations": return tags["preallocation"] == "zeroFill" ? 0.94 : 0.5
        case "convert": return 0.09
        case "txn": return 0.06
        case "reference": return tags["sync"] == "fdatasync" || tags["preallocation"] != nil ? 0.11 : 0.04
        case "streams": return 0.16
        default: return 0.1
        }
    }
}
