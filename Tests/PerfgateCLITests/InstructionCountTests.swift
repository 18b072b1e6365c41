import Foundation
import PerfgateCore
import PerfgateSupport
import Testing

/// Instructions per message under callgrind: the noise-free metric of the CPU-bound benchmarks,
/// driven through the release binary as `perfgate run` measures it.
@Suite(.serialized) struct InstructionCountTests {
    static let hasValgrind = ProcessRunner.which("valgrind") != nil

    private func instructions(environment: [String: String] = [:]) throws -> Metric {
        let dir = NSTemporaryDirectory() + "perfgate-icount-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let outcome = try ReleaseBinary.run(
            ["run", "--scenario", "ci", "--filter", "wal.convert.encode/64B", "--rounds", "2", "--output", "r.json", "--dir", dir],
            in: dir, environment: environment)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let result = try ResultFile.load(path: dir + "/r.json")
        return try #require(result.benchmark("wal.convert.encode/64B")?.metric(named: "instructions_per_msg"))
    }

    /// The same binary and workload give the same count, to the instruction, run after run.
    @Test(.enabled(if: hasValgrind, "needs valgrind (apt-get install valgrind)"))
    func theCountIsExactAndRepeatable() throws {
        let first = try instructions()
        let second = try instructions()
        #expect(first.available && first.kind == .counter && first.unit == "instructions/msg")
        #expect(first.samples.count == 1 && first.samples[0] > 100, "\(first.samples)")
        #expect(first.samples == second.samples)
    }

    /// Without valgrind the metric is unavailable, with the reason, never 0.
    @Test func withoutValgrindTheMetricIsUnavailable() throws {
        let metric = try instructions(environment: ["PATH": "/nonexistent:/usr/bin/../nowhere"])
        #expect(!metric.available)
        #expect(metric.samples.isEmpty)
        #expect(metric.unavailableReason?.contains("valgrind is not installed") == true)
    }
}
