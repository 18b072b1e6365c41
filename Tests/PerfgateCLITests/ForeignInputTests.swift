import Foundation
import PerfgateCore
import PerfgateSupport
import Testing

/// Other harnesses' results through the release binary: every adapter fixture through `compare`,
/// `record` and `baseline update`, real hyperfine runs, and the gating of foreign metrics.
@Suite(.serialized) struct ForeignInputTests {
    static let fixtures = ReleaseBinary.projectRoot + "/Tests/PerfgateCoreTests/Fixtures/adapters"

    /// Each fixture with its format: (format, path).
    static let cases: [(String, String)] = [
        ("hyperfine", fixtures + "/hyperfine.json"),
        ("google-benchmark", fixtures + "/google-benchmark.json"),
        ("package-benchmark", fixtures + "/package-benchmark"),
        ("criterion", fixtures + "/criterion"),
    ]

    @Test(arguments: cases.map(\.0))
    func everyFixtureComparesRecordsAndBecomesABaseline(format: String) throws {
        let path = Self.cases.first { $0.0 == format }!.1
        let dir = CLITests.repository()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for input in [format, "auto"] {
            let compare = try ReleaseBinary.run(["compare", "--input-format", input, "--baseline", path, "--current", path], in: dir)
            #expect(compare.status == 0, "compare --input-format \(input): \(compare.stdout)\(compare.stderr)")
            #expect(compare.stdout.contains("machines unknown"))
            #expect(!compare.stdout.contains("PASS: 0 unchanged"), "a foreign A/A pair gates its metrics (unchanged), not nothing")
        }
        let record = try ReleaseBinary.run(["record", "--input-format", format, path], in: dir)
        #expect(record.status == 0, "record: \(record.stderr)")
        #expect(record.stdout.contains("recorded run"))
        let update = try ReleaseBinary.run(["baseline", "update", "--input-format", format, "--from", path, "--reason", "test"], in: dir)
        #expect(update.status == 0, "baseline update: \(update.stderr)")
        let written = try #require(update.stdout.split(separator: " ").dropFirst().first.map(String.init), "\(update.stdout)")
        let baseline = try ResultFile.load(path: written.hasPrefix("/") ? written : dir + "/" + written)
        #expect(baseline.baselineReason == "test")
        #expect(!baseline.benchmarks.isEmpty)
    }

    /// A configuration written for the WAL suite (gate.metrics lists WAL names only) still gates a
    /// foreign harness's timings: a 20 % slower hyperfine command fails.
    @Test func foreignMetricsAreGatedUnderAWALOnlyMetricList() throws {
        let dir = CLITests.repository()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try #"{"version": 1, "gate": {"metrics": ["p50", "p99", "throughput"]}}"#.write(
            toFile: dir + "/perfgate.json", atomically: true,
            encoding: .utf8)
        try Self.scaledHyperfine(by: 1.2, to: dir + "/slow.json")
        let run = try ReleaseBinary.run(
            [
                "compare", "--input-format", "hyperfine", "--baseline", Self.fixtures + "/hyperfine.json",
                "--current", "slow.json",
            ], in: dir)
        #expect(run.status == 1, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.contains("wall_time: +20.0 %"))
        #expect(run.stdout.contains("gate.metrics names none of hyperfine's metrics"))
    }

    /// A misspelt metric in gate.metrics is an error naming the field, not a gate that checks nothing.
    @Test func unknownGateMetricIsAnError() throws {
        let dir = CLITests.repository()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try #"{"version": 1, "gate": {"metrics": ["P99", "thruput"]}}"#.write(
            toFile: dir + "/perfgate.json", atomically: true, encoding: .utf8)
        try Self.scaledHyperfine(by: 1.3, to: dir + "/slow.json")
        let run = try ReleaseBinary.run(
            [
                "compare", "--input-format", "hyperfine", "--baseline", Self.fixtures + "/hyperfine.json",
                "--current", "slow.json",
            ], in: dir)
        #expect(run.status == 2)
        #expect(run.stderr.contains("perfgate.json: gate.metrics[0]: 'P99' is not a metric"))
        #expect(run.stderr.contains("wall_time") && run.stderr.contains("p99"), "lists the names that exist")
    }

    /// Real hyperfine sessions: an A/A pair passes, a command 20 % slower fails, and neither crashes.
    @Test(.enabled(if: ProcessRunner.which("hyperfine") != nil, "needs hyperfine (apt-get install hyperfine)"))
    func realHyperfineRuns() throws {
        let dir = CLITests.repository()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        func hyperfine(_ seconds: String, _ file: String) throws {
            let run = try ProcessRunner.run(
                ProcessRunner.which("hyperfine")!,
                [
                    "-N", "--runs", "20", "--warmup", "2", "--style", "none",
                    "--export-json", dir + "/" + file, "sleep \(seconds)",
                ])
            #expect(run.status == 0, "\(run.stderr)")
        }
        // 100 ms sleeps: scheduling jitter of a busy machine is a few per cent of that, within the 5 % tolerance.
        try hyperfine("0.1", "a.json")
        try hyperfine("0.1", "b.json")
        try hyperfine("0.12", "slow.json")
        let same = try ReleaseBinary.run(["compare", "--baseline", "a.json", "--current", "b.json"], in: dir)
        #expect(same.status == 0, "\(same.stdout)\(same.stderr)")
        // The commands differ in their text, so the slower one is compared under the same id.
        let slowText = try String(contentsOfFile: dir + "/slow.json", encoding: .utf8).replacingOccurrences(
            of: "sleep 0.12", with: "sleep 0.1")
        try slowText.write(toFile: dir + "/slow.json", atomically: true, encoding: .utf8)
        let slow = try ReleaseBinary.run(["compare", "--baseline", "a.json", "--current", "slow.json"], in: dir)
        #expect(slow.status == 1, "\(slow.stdout)\(slow.stderr)")
        #expect(slow.stdout.contains("sleep 0.1 wall_time: +"))
    }

    /// The hyperfine fixture with every time multiplied by `factor`.
    static func scaledHyperfine(by factor: Double, to path: String) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: fixtures + "/hyperfine.json"))
        var json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        var results = try #require(json["results"] as? [[String: Any]])
        for i in results.indices { results[i]["times"] = (results[i]["times"] as! [Double]).map { $0 * factor } }
        json["results"] = results
        try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: path))
    }
}
