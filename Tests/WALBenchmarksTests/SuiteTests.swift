import Foundation
import PerfgateCore
import Testing

@testable import WALBenchmarks

/// Every benchmark runs one round at the smoke scenario's tiny size, in-process, and yields
/// well-formed values.
@Suite struct SuiteTests {
    static let smokeIDs = BenchmarkCatalog.benchmarks(for: .smoke).map(\.id)

    @Test(arguments: smokeIDs)
    func everyBenchmarkYieldsWellFormedValues(id: String) throws {
        let directory = NSTemporaryDirectory() + "perfgate-suite-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let line = try SuiteRunner.runRoundInProcess(benchmark: id, scenario: .smoke, directory: directory, seed: 3, slowdownSpec: nil)
        let report = try JSONDecoder().decode(RoundReport.self, from: Data(line.utf8))
        #expect(report.benchmark == id)
        #expect(report.operations > 0)
        #expect(!report.values.isEmpty)
        for value in report.values {
            let v = try #require(value.value, "\(id) \(value.name) unavailable: \(value.unavailableReason ?? "")")
            #expect(v.isFinite && v >= 0, "\(id) \(value.name) = \(v)")
            #expect(!value.unit.isEmpty)
        }
        let names = report.values.map(\.name)
        #expect(Set(names).count == names.count, "metric names are unique")
        // Every round reports what it cost the machine: processor time per operation of its
        // measured phase, and the round process's peak resident memory (at least the runtime's).
        let cost = Dictionary(uniqueKeysWithValues: report.values.map { ($0.name, $0.value ?? -1) })
        #expect((cost["cpu_per_op"] ?? 0) > 0, "\(id) reports cpu_per_op")
        #expect((cost["peak_rss"] ?? 0) > 1_048_576, "\(id) reports peak_rss")
        for name in names { #expect(BenchmarkCatalog.allMetricNames.contains(name), "\(id) \(name) is not in MetricSpec.catalog") }
        if names.contains("p50") {
            let p = Dictionary(uniqueKeysWithValues: report.values.map { ($0.name, $0.value ?? 0) })
            #expect(p["p50"]! <= p["p99"] ?? p["max"]!)
            #expect((p["p99"] ?? 0) <= p["max"]!)
        }
        #expect(!FileManager.default.fileExists(atPath: directory), "the round cleans up its directory")
    }

    @Test func idsAreStableAndUnique() {
        for scenario in Scenario.allCases {
            let ids = BenchmarkCatalog.benchmarks(for: scenario).map(\.id)
            #expect(Set(ids).count == ids.count, "\(scenario)")
        }
        let ci = Set(BenchmarkCatalog.benchmarks(for: .ci).map(\.id))
        for id in [
            "wal.append.single/64B/sync=none", "wal.append.single/64B/sync=group", "wal.append.batch/64B/batch=10000",
            "wal.read.random/64B/mmap", "wal.recovery/warm", "wal.streams.inactive", "floor.write.batch/64B/batch=10000",
            "floor.sync.batch/64B/batch=10000", "wal.append.batch/64B/batch=10000/sync=every", "floor.write.single/64B",
            "floor.sync.single/64B", "floor.read.random/64B", "floor.scan/64B", "floor.walk/64B", "floor.walk/1KB",
            "wal.append.concurrent/writers=16/64B/sync=group", "floor.sync.group/writers=16/64B", "wal.txn/k=10", "wal.replay/64B",
            "wal.convert.decode/64B",
        ] {
            #expect(ci.contains(id), "ci must measure \(id)")
        }
        let comprehensive = BenchmarkCatalog.benchmarks(for: .comprehensive).map(\.id)
        #expect(comprehensive.contains("wal.append.concurrent/writers=32/64B/sync=group"))
        #expect(comprehensive.contains("floor.sync.group/writers=32/64B"))
        #expect(Scenario.ci.rounds >= 10)
    }

    /// Every WAL benchmark whose work the floor does in C names it as its counterpart, in every
    /// scenario that runs both: ci's concurrent writers each have the C group commit with as many
    /// writers, and the counterpart is always a control of the same run (what the gate reads it as).
    @Test func counterpartsAreControlsOfTheSameRun() throws {
        for scenario in Scenario.allCases {
            let list = BenchmarkCatalog.benchmarks(for: scenario)
            let byID = Dictionary(uniqueKeysWithValues: list.map { ($0.id, $0) })
            for definition in list {
                guard let counterpart = definition.tags["counterpart"] else {
                    let expected = BenchmarkCatalog.counterpart(of: definition.id)
                    #expect(expected == nil || byID[expected!] == nil, "\(scenario): \(definition.id) lacks its counterpart tag")
                    continue
                }
                #expect(byID[counterpart]?.tags["role"] == "control", "\(scenario): \(definition.id) → \(counterpart)")
                #expect(definition.tags["role"] != "control")
            }
        }
        let ci = Dictionary(uniqueKeysWithValues: BenchmarkCatalog.benchmarks(for: .ci).map { ($0.id, $0.tags) })
        for writers in [1, 4, 16] {
            #expect(
                ci["wal.append.concurrent/writers=\(writers)/64B/sync=group"]?["counterpart"] == "floor.sync.group/writers=\(writers)/64B")
        }
        #expect(ci["wal.append.single/64B/sync=every"]?["counterpart"] == "floor.sync.single/64B")
        #expect(ci["wal.append.batch/64B/batch=1000"]?["counterpart"] == nil, "no C batch of 1000 in ci")
        #expect(ci["wal.recovery/cold"]?["counterpart"] == nil, "the C scan reads a warm file")
        // The floor table divides by the same counterpart.
        let comprehensive = Set(BenchmarkCatalog.benchmarks(for: .comprehensive).map(\.id))
        for ratio in FloorRatio.all { #expect(comprehensive.contains(ratio.floor), "\(ratio.label): \(ratio.floor)") }
    }

    @Test func slowdownHookParsesGlobs() {
        #expect(Slowdown.parse("wal.append.*=5", for: "wal.append.single/64B/sync=none") == 0.05)
        #expect(Slowdown.parse("wal.read.*=10%,wal.append.*=3", for: "wal.append.batch/64B/batch=10") == 0.03)
        #expect(Slowdown.parse("wal.read.*=10", for: "wal.append.batch/64B/batch=10") == 0)
        #expect(Slowdown.parse(nil, for: "x") == 0)
        #expect(Slowdown.parse("wal.append.batch/64B/batch=1000=10", for: "wal.append.batch/64B/batch=1000") == 0.10)
        #expect(Slowdown.parse("wal.append.batch/64B/batch=1000=12.5%", for: "wal.append.batch/64B/batch=1000") == 0.125)
    }

    /// Only the slowed benchmark's rounds see the spec; every other round gets the empty value a
    /// user's round has, so the spec cannot change how they run.
    @Test func onlyTheSlowedBenchmarksRoundsSeeTheSlowdown() {
        let spec = "wal.append.batch/64B/batch=1000=10"
        #expect(Slowdown.childValue(spec, for: "wal.append.batch/64B/batch=1000") == spec)
        #expect(Slowdown.childValue(spec, for: "wal.replay/1KB") == "")
        #expect(Slowdown.childValue("wal.read.*=0", for: "wal.read.random/64B/mmap") == "")
        #expect(Slowdown.childValue("~~~~", for: "wal.replay/1KB") == "")
        #expect(Slowdown.childValue(nil, for: "wal.replay/1KB") == "")
    }

    @Test func slowdownInflatesMeasuredTimeByTheInjectedFraction() {
        let context = RoundContext(directory: "/tmp", scenario: .smoke, seed: 1, slowdown: 0.5)
        #expect(context.padded(1000) == 1500)
        let plain = RoundContext(directory: "/tmp", scenario: .smoke, seed: 1)
        #expect(plain.padded(1000) == 1000)
    }

    @Test func aggregationKeepsOneSamplePerRoundAndMarksUnavailable() {
        let definition = BenchmarkCatalog.benchmarks(for: .smoke)[0]
        let spec = MetricSpec("p99", "ns", .lowerIsBetter)
        let missing = MetricSpec("rss", "B", .lowerIsBetter)
        let reports = (0..<3).map { i in
            RoundReport(
                benchmark: definition.id, operations: 10,
                values: [MeasuredValue(spec, Double(100 + i)), MeasuredValue(missing, nil, unavailableReason: "no /proc")])
        }
        let result = SuiteRunner.aggregate(definition, reports)
        #expect(result.metric(named: "p99")?.samples == [100, 101, 102])
        #expect(result.metric(named: "rss")?.available == false)
        #expect(result.metric(named: "rss")?.samples == [])
        #expect(result.tags["operations"] == "10")
    }

    @Test func unknownFilterIsAUsageError() throws {
        var options = SuiteRunner.Options(scenario: .ci, workDirectory: "/tmp", executable: "/bin/false")
        options.filters = ["nothing.matches.*"]
        #expect(throws: PerfgateError.self) { try SuiteRunner(options: options).selectedBenchmarks() }
        options.filters = ["wal.recovery/*"]
        #expect(try SuiteRunner(options: options).selectedBenchmarks().map(\.id) == ["wal.recovery/warm", "wal.recovery/cold"])
    }

    @Test func fingerprintDescribesThisMachine() {
        let machine = MachineProbe.fingerprint(directory: NSTemporaryDirectory())
        #expect(machine.cores >= 1)
        #expect(machine.memoryBytes > 0)
        #expect(!machine.kernel.isEmpty && machine.filesystem != "unknown")
        #expect(machine.profile.hasSuffix("-\(machine.cores)c"))
    }

    @Test func scoreFollowsTheSeedRules() {
        #expect(SuiteScore.score(writeP99Nanoseconds: 4_000, peakMessagesPerSecond: 20e6).score == 10)
        #expect(SuiteScore.score(writeP99Nanoseconds: 9_000, peakMessagesPerSecond: 11e6).score == 8)
        #expect(SuiteScore.score(writeP99Nanoseconds: 11_000, peakMessagesPerSecond: 5e6).score == 6)
        #expect(SuiteScore.score(writeP99Nanoseconds: 5_000, peakMessagesPerSecond: 9e6).score == 8)
    }
}
