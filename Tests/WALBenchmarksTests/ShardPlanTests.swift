import PerfgateCore
import Testing

@testable import WALBenchmarks

/// `run --shard i/N` splits a scenario the same way on every runner, with nothing left out,
/// nothing run twice, and the expected work spread evenly.
@Suite struct ShardPlanTests {
    @Test(arguments: [Scenario.ci, .quick, .comprehensive])
    func sharesCoverTheScenarioOnceAndBalanceTheWork(scenario: Scenario) {
        let all = BenchmarkCatalog.benchmarks(for: scenario)
        for count in [1, 2, 3, 5] {
            let shares = (1...count).map { ShardPlan.share(of: all, shard: Shard(index: $0, count: count, group: "g")) }
            let ids = shares.flatMap { $0.map(\.id) }
            #expect(ids.count == all.count && Set(ids) == Set(all.map(\.id)), "\(scenario) in \(count): every benchmark once")
            #expect(shares.allSatisfy { !$0.isEmpty })
            let loads = shares.map { $0.map(ShardPlan.weight).reduce(0, +) }
            let heaviest = all.map(ShardPlan.weight).max() ?? 0
            // LPT: no share exceeds the mean by more than the heaviest single benchmark.
            #expect(loads.max()! <= loads.reduce(0, +) / Double(count) + heaviest, "\(scenario) in \(count): \(loads)")
            // Deterministic: computing it again (as another runner does) gives the same split.
            #expect(ShardPlan.assign(all, shards: count) == ShardPlan.assign(all.reversed(), shards: count))
        }
    }
}
