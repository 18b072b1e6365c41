import PerfgateCore
import PerfgateTestSupport
import Testing

@testable import WALBenchmarks

/// The WAL's figures read against the C floor measured in the same run.
@Suite struct FloorRatioTests {
    static func metric(_ name: String, _ unit: String, _ direction: MetricDirection, _ value: Double) -> Metric {
        Metric(name: name, unit: unit, direction: direction, samples: [value * 0.99, value, value * 1.01])
    }

    static let run = ResultFixtures.result([
        "wal.append.batch/64B/batch=10000": [metric("throughput", "msg/s", .higherIsBetter, 22e6)],
        "floor.write.batch/64B/batch=10000": [metric("throughput", "msg/s", .higherIsBetter, 100e6)],
        "wal.append.single/64B/sync=none": [metric("p99", "ns", .lowerIsBetter, 2600)],
        "floor.write.single/64B": [metric("p99", "ns", .lowerIsBetter, 2000)],
        "wal.recovery/warm": [metric("recovery", "ms/GB", .lowerIsBetter, 120)],
        "floor.scan/64B": [metric("bandwidth", "MB/s", .higherIsBetter, 20_000)],
    ])

    @Test func ratiosAreWALOverFloorInTheWALsUnit() throws {
        let batch = try #require(FloorRatio.all.first { $0.benchmark == "wal.append.batch/64B/batch=10000" }?.measure(Self.run))
        #expect(abs(batch.ratio - 0.22) < 1e-9)
        let single = try #require(FloorRatio.all.first { $0.benchmark == "wal.append.single/64B/sync=none" }?.measure(Self.run))
        #expect(abs(single.ratio - 1.3) < 1e-9)
        // 20,000 MB/s of scan is 50 ms/GB: recovery at 120 ms/GB is 2.4× the scan alone.
        let recovery = try #require(FloorRatio.all.first { $0.benchmark == "wal.recovery/warm" }?.measure(Self.run))
        #expect(abs(recovery.floor - 50) < 1e-9 && abs(recovery.ratio - 2.4) < 1e-9)
        #expect(FloorRatio.all.first { $0.benchmark == "wal.replay/64B" }?.measure(Self.run) == nil, "no replay in this run")
    }

    @Test func linesSayTheShareAndWhetherTheGoalIsMet() {
        let lines = FloorRatio.lines(Self.run)
        #expect(lines.count == 3)
        #expect(lines[0].contains("WAL 22.00M msg/s, floor 100.00M msg/s: 22.0 % of the floor (goal ≥ 50.0 %: not met)"), "\(lines[0])")
        #expect(lines[1].contains("1.30× the floor (goal ≤ 1.3×: met)"), "\(lines[1])")
        #expect(lines[2].contains("2.40× the floor") && !lines[2].contains("goal"), "\(lines[2])")
        #expect(SuiteScore.summary(Self.run).contains { $0.hasPrefix("against the machine's floor") })
    }
}
