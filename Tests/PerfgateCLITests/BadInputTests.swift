import Foundation
import PerfgateCore
import PerfgateSupport
import Testing

/// Every bad input found when perfgate was tried as a new user would (issue 12), through the
/// release binary: exit 2 and a message that names the file or flag, the field and the fix.
@Suite(.serialized) struct BadInputTests {
    /// A repository with two commits, perfgate.json, and `base.json` (a ci result) written.
    static func repository() throws -> String {
        let dir = CLITests.repository()
        try CLITests.result(factor: 1).write(to: dir + "/base.json")
        return dir
    }

    static func expectBadInput(_ run: ProcessRunner.Outcome, _ fragments: String..., sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(run.status == 2, "exit \(run.status): \(run.stdout)\(run.stderr)", sourceLocation: sourceLocation)
        for fragment in fragments {
            #expect(run.stderr.contains(fragment), "missing '\(fragment)' in: \(run.stderr)", sourceLocation: sourceLocation)
        }
    }

    @Test func notesSyncWithZeroAttempts() throws {
        let dir = try Self.repository()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        Self.expectBadInput(try ReleaseBinary.run(["notes", "sync", "--attempts", "0"], in: dir), "--attempts 0", "between 1 and 1000")
    }

    @Test func calibrateWithTooFewPairsLeavesTheStoredCalibrationAlone() throws {
        let dir = try Self.repository()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let stored = dir + "/baselines/p/calibration-ci.json"
        try FileManager.default.createDirectory(atPath: dir + "/baselines/p", withIntermediateDirectories: true)
        try "{\"kept\": true}\n".write(toFile: stored, atomically: true, encoding: .utf8)
        for pairs in ["0", "2"] {
            Self.expectBadInput(
                try ReleaseBinary.run(["calibrate", "--pairs", pairs, "--profile", "p"], in: dir), "--pairs \(pairs)",
                "at least 3 pairs")
        }
        // A filter that leaves nothing to calibrate must not replace the stored calibration either.
        let empty = try ReleaseBinary.run(
            ["calibrate", "--pairs", "3", "--profile", "p", "--scenario", "smoke", "--filter", "no.such.*"], in: dir)
        #expect(empty.status == 2)
        #expect(try String(contentsOfFile: stored, encoding: .utf8) == "{\"kept\": true}\n")
    }

    @Test func baselineProfileIsANameNotAPath() throws {
        let dir = try Self.repository()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let run = try ReleaseBinary.run(["baseline", "update", "--from", "base.json", "--profile", "../../../x"], in: dir)
        Self.expectBadInput(run, "--profile '../../../x' is not a name")
        #expect(!FileManager.default.fileExists(atPath: dir + "/../../x"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/baselines"))
    }

    @Test(arguments: ["NaN", "Infinity", "1e999"])
    func nonFiniteSamplesAreNamedWithTheirPlace(token: String) throws {
        let dir = try Self.repository()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let text = try String(contentsOfFile: dir + "/base.json", encoding: .utf8)
        let bad = text.replacingOccurrences(of: "100.5", with: token)
        #expect(bad != text)
        try bad.write(toFile: dir + "/bad.json", atomically: true, encoding: .utf8)
        let run = try ReleaseBinary.run(["compare", "--baseline", "base.json", "--current", "bad.json"], in: dir)
        Self.expectBadInput(run, "bad.json: is not valid JSON: line ", "(in \"samples\")", token)
        #expect(!run.stderr.contains("truncated"))
    }

    @Test func allZeroTimesAreRefused() throws {
        let dir = try Self.repository()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var zero = CLITests.result(factor: 1)
        zero.benchmarks[0].metrics[0].samples = Array(repeating: 0, count: 10)
        try zero.write(to: dir + "/zero.json")
        let run = try ReleaseBinary.run(["compare", "--baseline", "base.json", "--current", "zero.json"], in: dir)
        Self.expectBadInput(
            run, "zero.json: benchmarks[0] (wal.append.single/64B/sync=none).metrics[0] (mean).samples", "is all zeros",
            "a measured time cannot be zero")
        #expect(!run.stdout.contains("-100"))
        // Another harness may report 0 for work below its resolution (hyperfine does for `true`):
        // read, flagged in the report, never compared as a −100 % change.
        try ForeignInputTests.scaledHyperfine(by: 0, to: dir + "/zero-hyperfine.json")
        let foreign = try ReleaseBinary.run(
            [
                "compare", "--input-format", "hyperfine", "--baseline", ForeignInputTests.fixtures + "/hyperfine.json",
                "--current", "zero-hyperfine.json", "--verbose",
            ], in: dir)
        #expect(foreign.status == 0, "\(foreign.stdout)\(foreign.stderr)")
        #expect(foreign.stdout.contains("2 metric(s) have an impossible median time of 0, not compared: sleep 0.01 wall_time"))
        #expect(!foreign.stdout.contains("-100"))
    }

    @Test func oversizedInputsAreRefusedUpFrontWithTheLimit() throws {
        let dir = try Self.repository()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // A file past the size limit is refused from its size alone (a sparse file: nothing is read).
        let big = dir + "/big.json"
        FileManager.default.createFile(atPath: big, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: big))
        try handle.truncate(atOffset: UInt64(InputLimits.maxFileBytes + 1))
        try handle.close()
        Self.expectBadInput(
            try ReleaseBinary.run(["compare", "--baseline", "base.json", "--current", "big.json"], in: dir),
            "big.json: is 64 MiB, larger than the 64 MiB perfgate reads")
        Self.expectBadInput(
            try ReleaseBinary.run(
                ["compare", "--input-format", "hyperfine", "--baseline", "big.json", "--current", "big.json"],
                in: dir), "larger than the 64 MiB")
        // Too many samples in one metric (a valid file well under the size limit).
        var many = CLITests.result(factor: 1)
        many.benchmarks[0].metrics[0].samples = (0...InputLimits.maxSamplesPerMetric).map { 100 + Double($0 % 7) }
        try many.write(to: dir + "/many.json")
        Self.expectBadInput(
            try ReleaseBinary.run(["compare", "--baseline", "base.json", "--current", "many.json"], in: dir),
            "has 10001 samples, more than the 10000 perfgate reads per metric")
    }

    @Test func aBaselineOfAnotherScenarioIsRefusedUnlessAllowed() throws {
        let dir = try Self.repository()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var quick = CLITests.result(factor: 1)
        quick.run.scenario = "quick"
        try quick.write(to: dir + "/quick.json")
        Self.expectBadInput(
            try ReleaseBinary.run(["compare", "--baseline", "quick.json", "--current", "base.json"], in: dir),
            "quick.json: run.scenario: is quick, but the current run (base.json) is ci", "--allow-cross-scenario")
        let allowed = try ReleaseBinary.run(
            ["compare", "--baseline", "quick.json", "--current", "base.json", "--allow-cross-scenario"], in: dir)
        #expect(allowed.status == 0, "\(allowed.stderr)")
        #expect(allowed.stdout.contains("cross-scenario comparison"))
    }

    @Test func anInvalidDirectionListsTheAllowedValues() throws {
        let dir = try Self.repository()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let text = try String(contentsOfFile: dir + "/base.json", encoding: .utf8)
        try text.replacingOccurrences(of: "\"direction\" : \"lower\"", with: "\"direction\" : \"down\"")
            .write(toFile: dir + "/bad.json", atomically: true, encoding: .utf8)
        Self.expectBadInput(
            try ReleaseBinary.run(["compare", "--baseline", "base.json", "--current", "bad.json"], in: dir),
            "bad.json: benchmarks[0].metrics[0].direction", "is \"down\"", "\"lower\"", "\"higher\"")
    }

    @Test func aNegativeSeedNamesItsField() throws {
        let dir = try Self.repository()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try #"{"version": 1, "gate": {"seed": -1}}"#.write(toFile: dir + "/perfgate.json", atomically: true, encoding: .utf8)
        Self.expectBadInput(
            try ReleaseBinary.run(["compare", "--baseline", "base.json", "--current", "base.json"], in: dir),
            "perfgate.json: gate.seed: is -1; it must be a whole number ≥ 0")
    }

    @Test func historyOfAMetricThatDoesNotExistListsTheOnesThatDo() throws {
        let dir = try Self.repository()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(try ReleaseBinary.run(["record", "base.json", "--commit", "HEAD"], in: dir).status == 0)
        Self.expectBadInput(
            try ReleaseBinary.run(["history", "--metric", "nosuch"], in: dir),
            "--metric 'nosuch' is not a metric of the recorded results", "recorded metrics: mean")
    }

    @Test func anUnreadableNoteIsNamed() throws {
        let dir = try Self.repository()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        CLITests.git("notes", "--ref=perfgate", "add", "-m", "not a perfgate line", "HEAD~1", in: dir)
        let run = try ReleaseBinary.run(["compare", "--baseline", "HEAD~1", "--current", "base.json"], in: dir)
        Self.expectBadInput(
            run, "the note on ", "(HEAD~1) in refs/notes/perfgate: line 1: is not a perfgate result", "git notes --ref=perfgate show")
    }

    @Test func outsideARepositoryTheAdviceNamesNoFlagThatDoesNotExist() throws {
        let outside = NSTemporaryDirectory() + "perfgate-outside-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: outside) }
        let run = try ReleaseBinary.run(["history"], in: outside)
        Self.expectBadInput(run, "not inside a git repository", "perfgate compare --baseline FILE --current FILE")
        #expect(!run.stderr.contains("--no-git"))
    }

    @Test func recordingAResultOfACommitNotInThisRepositoryIsRefused() throws {
        let dir = try Self.repository()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var foreign = CLITests.result(factor: 1)
        foreign.run.commit = String(repeating: "ab", count: 20)
        try foreign.write(to: dir + "/.perfgate/foreign.json")
        Self.expectBadInput(
            try ReleaseBinary.run(["record", ".perfgate/foreign.json"], in: dir),
            "run.commit: names abababababababababababababababababababab, which is not a commit of this repository", "--commit")
        let told = try ReleaseBinary.run(["record", ".perfgate/foreign.json", "--commit", "HEAD"], in: dir)
        #expect(told.status == 0, "\(told.stderr)")
        Self.expectBadInput(try ReleaseBinary.run(["record", ".perfgate/foreign.json", "--commit", "nosuch"], in: dir), "--commit nosuch")
    }

    /// `check` finds bad configuration and options before measuring: nothing is run, nothing written.
    @Test(arguments: [
        (["--format", "pdf"], "'pdf' is invalid for '--format"),
        (["--report-formats", "html,pdf"], "--report-formats: 'pdf' is not a report format"),
        (["--tolerance", "5"], "--tolerance 5.0 is not a fraction in [0, 1)"),
        (["--tolerance", "x"], "'x' is invalid for '--tolerance"),
        (["--scenario", "nightly"], "'nightly' is invalid for '--scenario"),
        (["--baseline", "missing.json"], "missing.json: is neither a file nor a git revision"),
        (["--config", "bad.json"], "bad.json: is not valid JSON"),
    ])
    func checkRefusesBadInputBeforeMeasuring(arguments: [String], message: String) throws {
        let dir = try Self.repository()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "{\"version\": 1, \"gate\": {".write(toFile: dir + "/bad.json", atomically: true, encoding: .utf8)
        let run = try ReleaseBinary.run(["check", "--scenario", "smoke"] + arguments, in: dir)
        Self.expectBadInput(run, message)
        #expect(!run.stderr.contains("perfgate run:"), "the suite must not start")
        #expect(!FileManager.default.fileExists(atPath: dir + "/.perfgate/latest-smoke.json"))
    }

    @Test func aBudgetThatIsNotADurationIsAUsageError() throws {
        let dir = try Self.repository()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        Self.expectBadInput(
            try ReleaseBinary.run(["compare", "--against", "HEAD", "--budget", "5x"], in: dir), "'5x' is invalid for '--budget")
    }
}
