import Foundation
import PerfgateCore
import PerfgateSupport
import Testing

/// The readers of other harnesses' output, on files produced by the real tools (hyperfine,
/// google-benchmark; scripts/adapter_fixtures.sh) and on fixtures in the documented formats
/// (package-benchmark, criterion), including malformed and truncated files.
@Suite struct AdapterTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/adapters").path

    @Test func hyperfineRunsAreSamplesInNanoseconds() throws {
        let result = try InputFormat.hyperfine.load(Self.fixtures + "/hyperfine.json")
        #expect(result.benchmarks.map(\.id) == ["sleep 0.01", "sleep 0.02"])
        let metric = try #require(result.benchmarks[0].metric(named: "wall_time"))
        #expect(metric.samples.count == 10 && metric.unit == "ns" && metric.direction == .lowerIsBetter)
        #expect(metric.median! > 9e6 && metric.median! < 5e7, "about 10 ms")
        #expect(result.run.machine.isUnknown)
    }

    @Test func googleBenchmarkRepetitionsWithoutAggregates() throws {
        let result = try InputFormat.googleBenchmark.load(Self.fixtures + "/google-benchmark.json")
        #expect(result.benchmarks.map(\.id) == ["BM_memcpy/64", "BM_memcpy/4096", "BM_sum"])
        let memcpy = result.benchmarks[0]
        #expect(memcpy.metric(named: "real_time")?.samples.count == 5, "5 repetitions; mean/median/stddev/cv rows ignored")
        #expect(memcpy.metric(named: "items_per_second")?.direction == .higherIsBetter)
        // BM_sum reports microseconds; normalised to ns.
        let sum = try #require(result.benchmarks[2].metric(named: "cpu_time"))
        #expect(sum.unit == "ns" && sum.median! > 10, "µs × 1000")
    }

    @Test func packageBenchmarkExportsDirectoryIsRounds() throws {
        let result = try InputFormat.packageBenchmark.load(Self.fixtures + "/package-benchmark")
        #expect(result.benchmarks.map(\.id) == ["Append 64B", "Replay"])
        let time = try #require(result.benchmarks[0].metric(named: "Time (wall clock) p99"))
        #expect(time.samples.count == 3, "one sample per exported run")
        #expect(time.unit == "ns" && time.samples[0] > 1_000, "μs normalised to ns")
        #expect(result.benchmarks[0].metric(named: "Time (wall clock) p80") != nil)
        #expect(result.benchmarks[0].metric(named: "Malloc (total) p99")?.unit == "count")
        // One file alone is one round: read, but too few samples to gate.
        let single = try InputFormat.packageBenchmark.load(Self.fixtures + "/package-benchmark/run-1.jsonSmallerIsBetter.json")
        #expect(single.benchmarks[0].metrics[0].samples.count == 1)
    }

    @Test func criterionSamplesPerIteration() throws {
        let result = try InputFormat.criterion.load(Self.fixtures + "/criterion")
        #expect(result.benchmarks.map(\.id) == ["append/1KB", "append/64B"])
        let metric = try #require(result.benchmarks[1].metric(named: "time_per_iteration"))
        #expect(metric.samples.count == 20)
        #expect(abs(metric.median! - 180) < 10, "times / iters")
    }

    @Test func autoDetectionPicksEachFormat() throws {
        #expect(try InputFormat.detect(Self.fixtures + "/hyperfine.json") == .hyperfine)
        #expect(try InputFormat.detect(Self.fixtures + "/google-benchmark.json") == .googleBenchmark)
        #expect(try InputFormat.detect(Self.fixtures + "/package-benchmark") == .packageBenchmark)
        #expect(try InputFormat.detect(Self.fixtures + "/package-benchmark/run-2.jsonSmallerIsBetter.json") == .packageBenchmark)
        #expect(try InputFormat.detect(Self.fixtures + "/criterion") == .criterion)
        var chosen: InputFormat?
        _ = try InputFormat.auto.load(Self.fixtures + "/hyperfine.json") { chosen = $0 }
        #expect(chosen == .hyperfine)
    }

    /// Truncated files: every prefix is refused with exit 2 and the file's name, never a crash.
    @Test(arguments: ["hyperfine.json", "google-benchmark.json", "package-benchmark/run-1.jsonSmallerIsBetter.json"])
    func truncatedFilesAreRefused(name: String) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: Self.fixtures + "/" + name))
        let format = try InputFormat.detect(Self.fixtures + "/" + name)
        let path = NSTemporaryDirectory() + "perfgate-truncated-\(UUID().uuidString.prefix(6)).json"
        defer { try? FileManager.default.removeItem(atPath: path) }
        for cut in stride(from: 0, to: data.count - 1, by: max(1, data.count / 40)) {
            try data.prefix(cut).write(to: URL(fileURLWithPath: path))
            #expect {
                try format.load(path)
            } throws: { error in
                guard let error = error as? PerfgateError else { return false }
                return error.exitStatus == .badInput && error.message.contains(path)
            }
        }
    }

    @Test(arguments: [
        ("hyperfine", "{\"results\": [{\"command\": \"x\"}]}", "results[0].times"),
        ("hyperfine", "{\"results\": [{\"times\": [1]}]}", "results[0].command"),
        (
            "google-benchmark", "{\"context\": {}, \"benchmarks\": [{\"name\": \"a\", \"run_type\": \"iteration\", \"cpu_time\": 1}]}",
            "benchmarks[0].real_time"
        ),
        (
            "google-benchmark",
            "{\"context\": {}, \"benchmarks\": [{\"name\": \"a\", \"real_time\": 1, \"cpu_time\": 1, \"time_unit\": \"fortnight\"}]}",
            "time_unit"
        ),
        (
            "google-benchmark",
            "{\"context\": {}, \"benchmarks\": [{\"name\": \"a_mean\", \"run_type\": \"aggregate\", \"real_time\": 1, \"cpu_time\": 1}]}",
            "no iteration rows"
        ),
        ("package-benchmark", "[{\"name\": \"a - b\", \"unit\": \"ns\"}]", "[0].value"),
        ("hyperfine", "{\"results\": [{\"command\": \"x\", \"times\": [0.1, -0.2]}]}", "negative"),
    ])
    func malformedFilesNameTheField(format: String, json: String, expected: String) throws {
        let path = NSTemporaryDirectory() + "perfgate-malformed-\(UUID().uuidString.prefix(6)).json"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try json.write(toFile: path, atomically: true, encoding: .utf8)
        #expect {
            try InputFormat(rawValue: format)!.load(path)
        } throws: { error in
            "\(error)".contains(path) && "\(error)".contains(expected)
        }
    }

    /// hyperfine's live output reads the same way (skipped where hyperfine is missing; `.ci/run` installs it).
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/hyperfine"), "needs hyperfine (apt-get install hyperfine)"))
    func liveHyperfine() throws {
        let path = NSTemporaryDirectory() + "perfgate-hyperfine-\(UUID().uuidString.prefix(6)).json"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let outcome = try ProcessRunner.run("/usr/bin/hyperfine", ["--runs", "3", "--style", "none", "--export-json", path, "true"])
        #expect(outcome.succeeded, "\(outcome.stderr)")
        let result = try InputFormat.auto.load(path)
        #expect(result.benchmarks.first?.metric(named: "wall_time")?.samples.count == 3)
    }
}
