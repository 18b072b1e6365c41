import Foundation
import PerfgateCore
import PerfgateSupport
import PerfgateTestSupport
import Testing

/// Runs the release `perfgate` binary and checks exit codes, messages and files.
@Suite(.serialized) struct CLITests {
    static var binary: String { ReleaseBinary.path() }
    static let projectRoot = ReleaseBinary.projectRoot

    /// Runs the release `perfgate` (or `executable`, e.g. a script) in `directory`.
    @discardableResult
    static func run(
        _ arguments: [String], in directory: String, environment: [String: String] = [:], executable: String? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> ProcessRunner.Outcome {
        guard let executable else {
            return try ReleaseBinary.run(arguments, in: directory, environment: environment, sourceLocation: sourceLocation)
        }
        var env = ProcessInfo.processInfo.environment
        for key in env.keys where key.hasPrefix("GITHUB_") { env.removeValue(forKey: key) }
        env.merge(environment) { $1 }
        return try ProcessRunner.run(executable, arguments, in: directory, environment: env)
    }

    static func git(_ arguments: String..., in directory: String) {
        GitFixture(existing: directory).gitArgs(arguments)
    }

    /// A git repository with two commits and an empty perfgate.json.
    static func repository() -> String {
        let fixture = GitFixture.initialised(commits: 0)
        try? "{\"version\": 1}\n".write(toFile: fixture.path + "/perfgate.json", atomically: true, encoding: .utf8)
        try? ".perfgate/\n".write(toFile: fixture.path + "/.gitignore", atomically: true, encoding: .utf8)
        fixture.git("add", ".")
        fixture.git("commit", "-q", "-m", "first")
        fixture.git("commit", "-q", "--allow-empty", "-m", "second")
        return fixture.path
    }

    static func result(factor: Double, profile: String? = nil) -> ResultFile {
        let base = [100, 101, 99, 100.5, 99.5, 100.2, 99.8, 100.1, 99.9, 100.3]
        return ResultFixtures.result(
            [
                "wal.append.single/64B/sync=none": [
                    Metric(
                        name: "mean", unit: "ns", direction: .lowerIsBetter,
                        samples: base.map { $0 * factor })
                ]
            ],
            machine: ResultFixtures.machine(profile: profile ?? "cli-test-2c", cpuModel: "CLI Test CPU"), commit: nil)
    }

    @Test func compareExitCodesAndOneLineExplanations() throws {
        let dir = Self.repository()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Self.result(factor: 1).write(to: dir + "/base.json")
        try Self.result(factor: 1.25).write(to: dir + "/slow.json")
        try Self.result(factor: 1.0).write(to: dir + "/same.json")
        try Self.result(factor: 1.04).write(to: dir + "/edge.json")
        try Self.result(factor: 1.0, profile: "other-8c").write(to: dir + "/other.json")

        let regression = try Self.run(["compare", "--baseline", "base.json", "--current", "slow.json"], in: dir)
        #expect(regression.status == 1)
        #expect(regression.stdout.contains("wal.append.single/64B/sync=none mean: +25.0 % ["))
        #expect(regression.stdout.contains("(corrected), tolerance 5.0 %"))
        #expect(regression.stdout.contains("FAIL: 1 regressed"))

        #expect(try Self.run(["compare", "--baseline", "base.json", "--current", "same.json"], in: dir).status == 0)
        let strict = try Self.run(["compare", "--baseline", "base.json", "--current", "edge.json", "--strict"], in: dir)
        #expect(strict.status == 4)
        #expect(try Self.run(["compare", "--baseline", "base.json", "--current", "edge.json"], in: dir).status == 0)

        let missing = try Self.run(["compare", "--current", "same.json"], in: dir)
        #expect(missing.status == 3)
        #expect(missing.stdout.contains("baselines/cli-test-2c/ci.json"))
        #expect(try Self.run(["compare", "--current", "same.json", "--allow-missing-baseline"], in: dir).status == 0)

        let cross = try Self.run(["compare", "--baseline", "other.json", "--current", "same.json"], in: dir)
        #expect(cross.status == 2)
        #expect(cross.stderr.contains("--allow-cross-machine"))

        try "{\"schema\": \"perfgate.result\", \"schemaVersion\": 1, \"run\": {".write(
            toFile: dir + "/truncated.json", atomically: true, encoding: .utf8)
        let bad = try Self.run(["compare", "--baseline", "truncated.json", "--current", "same.json"], in: dir)
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("truncated.json") && bad.stderr.contains("not valid JSON"))

        let usage = try Self.run(["compare", "--format", "pdf", "--baseline", "base.json", "--current", "same.json"], in: dir)
        #expect(usage.status == 2)
        #expect(usage.stderr.contains("'pdf' is invalid for '--format") && usage.stderr.contains("'markdown'"))
    }

    /// The paired A/B loop end to end (the binary plays both sides; no build): looks follow the
    /// planned schedule, α is spent over it, and the report says what stopped the sampling. No
    /// verdict is asserted — it depends on timing.
    @Test func pairedModeLooksOnItsScheduleAndSaysWhyItStopped() throws {
        let dir = Self.repository()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let run = try Self.run(
            [
                "compare", "--against", "HEAD", "--base-binary", Self.binary, "--head-binary", Self.binary,
                "--scenario", "smoke", "--filter", "wal.convert.encode/64B", "--initial-pairs", "2", "--max-pairs", "6",
                "--allow-missing-baseline",
            ], in: dir)
        #expect(run.status == 0 || run.status == 1, "\(run.stderr)")
        #expect(run.stderr.contains("looks at 2, 6 pairs"))
        #expect(
            run.stdout.contains(
                "over 2 of 2 planned looks (of α = 0.0100, spent 0.0025 + 0.0075); stopped: the pair cap (--max-pairs 6) reached")
                || run.stdout.contains("stopped: every gated metric decided"), "\(run.stdout)")
        let bad = try Self.run(
            [
                "compare", "--against", "no-such-ref", "--base-binary", Self.binary, "--head-binary", Self.binary,
                "--scenario", "smoke",
            ], in: dir)
        #expect(bad.status == 2)
        let tooFew = try Self.run(
            [
                "compare", "--against", "HEAD", "--base-binary", Self.binary, "--head-binary", Self.binary,
                "--scenario", "smoke", "--initial-pairs", "1",
            ], in: dir)
        #expect(tooFew.status == 2 && tooFew.stderr.contains("--initial-pairs 1") && tooFew.stderr.contains("at least 2 pairs"))
    }

    @Test func reportsInEveryFormatAndRerenderFromJSON() throws {
        let dir = Self.repository()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Self.result(factor: 1).write(to: dir + "/base.json")
        try Self.result(factor: 1.25).write(to: dir + "/slow.json")
        let run = try Self.run(["compare", "--baseline", "base.json", "--current", "slow.json", "--report-dir", "reports"], in: dir)
        #expect(run.status == 1)
        for name in ["report.txt", "report.md", "report.html", "report.json", "report.xml"] {
            #expect(FileManager.default.fileExists(atPath: dir + "/reports/" + name), "\(name)")
        }
        let junit = try String(contentsOfFile: dir + "/reports/report.xml", encoding: .utf8)
        #expect(junit.contains("<failure message=\"wal.append.single/64B/sync=none mean: +25.0 %"))
        let markdown = try String(contentsOfFile: dir + "/reports/report.md", encoding: .utf8)
        #expect(markdown.contains("### What failed"))
        let rerendered = try Self.run(["report", "reports/report.json", "--format", "markdown"], in: dir)
        #expect(rerendered.status == 0)
        #expect(rerendered.stdout == markdown)
    }

    @Test func recordAndHistoryThroughTheCLI() throws {
        let dir = Self.repository()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var result = Self.result(factor: 1)
        result.run.commit = nil
        try result.write(to: dir + "/.perfgate/r1.json")
        let recorded = try Self.run(["record", ".perfgate/r1.json"], in: dir)
        #expect(recorded.status == 0, "\(recorded.stderr)")
        let history = try Self.run(["history", "--metric", "mean"], in: dir)
        #expect(history.status == 0)
        let lines = history.stdout.split(separator: "\n")
        #expect(lines.count == 3, "header + 2 commits")
        #expect(lines[1].contains("100") && lines[1].contains("second"))
        #expect(lines[2].contains("–") && lines[2].contains("first"), "a gap for the unrecorded commit")
        // Dirty work tree: refused without --allow-dirty.
        try "x".write(toFile: dir + "/perfgate.json", atomically: true, encoding: .utf8)
        var dirty = result
        dirty.run.runID = "dirty-run"
        dirty.run.dirty = true
        dirty.run.commit = nil
        try dirty.write(to: dir + "/.perfgate/r2.json")
        let refused = try Self.run(["record", ".perfgate/r2.json"], in: dir)
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("--allow-dirty"))
        // Outside a repository.
        let outside = try Self.run(["history"], in: NSTemporaryDirectory())
        #expect(outside.status == 2)
        #expect(outside.stderr.contains("not inside a git repository"))
    }

    /// `history --changes` walks the whole recorded history by default and names the commit where
    /// a level shift began, as text and as JSON.
    @Test func historyChangesNameTheCommitOfAStep() throws {
        let dir = Self.repository()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let fixture = GitFixture(existing: dir)
        var rng = SplitMix64(seed: 8)
        var stepCommit = ""
        for c in 0..<40 {
            if c > 0 { fixture.git("commit", "-q", "--allow-empty", "-m", "commit \(c)") }
            var result = Self.result(factor: 1)
            result.run.commit = nil
            result.run.runID = "run-\(c)"
            result.benchmarks[0].metrics[0].samples = result.benchmarks[0].metrics[0].samples.map {
                $0 * (c < 20 ? 1.0 : 1.15) * (1 + 0.01 * ResultFixtures.gaussian(&rng))
            }
            try result.write(to: dir + "/.perfgate/r.json")
            let recorded = try Self.run(["record", ".perfgate/r.json"], in: dir)
            #expect(recorded.status == 0, "\(recorded.stderr)")
            if c == 20 { stepCommit = fixture.head().hex }
        }
        let text = try Self.run(["history", "--changes", "--metric", "mean"], in: dir)
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("(worse) from"))
        #expect(text.stdout.contains("first at \(stepCommit.prefix(12)) \"commit 20\""), "\(text.stdout)")
        #expect(text.stdout.contains("1 change point(s) in 1 series over 41 commits"), "\(text.stdout)")
        let json = try Self.run(["history", "--changes", "--json", "--metric", "mean"], in: dir)
        #expect(json.status == 0, "\(json.stderr)")
        struct Found: Decodable {
            struct Change: Decodable {
                var commit: String
                var change: Double
                var worse: Bool
            }
            var changes: [Change]
            var seriesAnalysed: Int
            var commits: Int
        }
        let found = try JSONDecoder().decode(Found.self, from: Data(json.stdout.utf8))
        #expect(found.changes.count == 1 && found.changes[0].commit == stepCommit && found.changes[0].worse)
        #expect(abs(found.changes[0].change - 0.15) < 0.03 * 1.15 && found.seriesAnalysed == 1 && found.commits == 41)
        let bad = try Self.run(["history", "--changes", "--method", "pelt"], in: dir)
        #expect(bad.status == 2 && bad.stderr.contains("--method"))
    }

    /// The composite action's steps, run locally with a simulated pull_request environment.
    @Test func simulatedActionWritesSummaryAndOutputs() throws {
        let dir = Self.repository()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let out = dir + "/.perfgate/sim"
        let run = try Self.run(
            [Self.projectRoot + "/scripts/simulate_action.sh", "action", out], in: dir,
            environment: [
                "PERFGATE_BIN": Self.binary, "INPUT_SCENARIO": "smoke",
                "PERFGATE_EXTRA_ARGS": "--filter wal.recovery/warm --rounds 2 --allow-missing-baseline --no-record",
            ], executable: "/bin/bash")
        #expect(run.status == 0, "\(run.stdout)\n\(run.stderr)")
        let outputs = try String(contentsOfFile: out + "/output.txt", encoding: .utf8)
        #expect(outputs.contains("verdict=no-baseline"))
        #expect(outputs.contains("regressed=0"))
        #expect(outputs.contains("report-path=\(out)/reports/report.html"))
        let summary = try String(contentsOfFile: out + "/summary.md", encoding: .utf8)
        #expect(summary.contains("perfgate: NO BASELINE"))
        #expect(summary.contains("no baseline baselines/"))
        #expect(FileManager.default.fileExists(atPath: out + "/reports/report.html"))
    }

    /// Another harness's output gated end to end: hyperfine JSON, a 30 % slowdown, machines unknown.
    @Test func gatesHyperfineOutput() throws {
        let dir = Self.repository()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let fixture = Self.projectRoot + "/Tests/PerfgateCoreTests/Fixtures/adapters/hyperfine.json"
        let data = try Data(contentsOf: URL(fileURLWithPath: fixture))
        var json = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        var results = json["results"] as! [[String: Any]]
        results[0]["times"] = (results[0]["times"] as! [Double]).map { $0 * 1.3 }
        json["results"] = results
        try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: dir + "/slow.json"))
        let run = try Self.run(["compare", "--input-format", "hyperfine", "--baseline", fixture, "--current", "slow.json"], in: dir)
        #expect(run.status == 1, "\(run.stdout)\n\(run.stderr)")
        #expect(run.stdout.contains("sleep 0.01 wall_time: +30.0 %"))
        #expect(run.stdout.contains("machines unknown"))
        let auto = try Self.run(["compare", "--baseline", fixture, "--current", "slow.json"], in: dir)
        #expect(auto.stderr.contains("as hyperfine output (detected"))
        try "{\"results\": [".write(toFile: dir + "/cut.json", atomically: true, encoding: .utf8)
        let bad = try Self.run(["compare", "--input-format", "hyperfine", "--baseline", fixture, "--current", "cut.json"], in: dir)
        #expect(bad.status == 2 && bad.stderr.contains("cut.json"))
    }
}
