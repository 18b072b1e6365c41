import Foundation
import PerfgateCore
import PerfgateSupport
import PerfgateTestSupport
import Testing

/// The pull-request gate's trusted half, end to end through the release binary and the
/// workflow's scripts: `perfgate judge` on a saved paired measurement, in a repository whose pull
/// request loosens perfgate.json, replaces the action's script and deletes a benchmark.
@Suite(.serialized) struct JudgeTests {
    static let slowed = "wal.append.batch/64B/batch=1000"
    static let deleted = "wal.txn/k=100"

    /// A repository whose base commit has the real perfgate.json and whose head (the pull request)
    /// sets every tolerance to 90 % and makes scripts/action_gate.sh pass whatever happens.
    static func repository() throws -> (dir: String, base: String, head: String) {
        let fixture = GitFixture.initialised(commits: 0)
        let dir = fixture.path
        try FileManager.default.createDirectory(atPath: dir + "/scripts", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: ReleaseBinary.projectRoot + "/perfgate.json", toPath: dir + "/perfgate.json")
        try FileManager.default.copyItem(
            atPath: ReleaseBinary.projectRoot + "/scripts/action_gate.sh", toPath: dir + "/scripts/action_gate.sh")
        try ".perfgate/\nmeasurement/\nreports/\n".write(toFile: dir + "/.gitignore", atomically: true, encoding: .utf8)
        fixture.git("add", ".")
        fixture.git("commit", "-q", "-m", "base")
        let base = fixture.head().hex
        try #"{"version": 1, "gate": {"tolerance": 0.9, "pairedTolerance": 0.9}}"#.write(
            toFile: dir + "/perfgate.json", atomically: true, encoding: .utf8)
        try "#!/usr/bin/env bash\nexit 0\n".write(toFile: dir + "/scripts/action_gate.sh", atomically: true, encoding: .utf8)
        fixture.git("commit", "-q", "-am", "loosen the gate")
        return (dir, base, fixture.head().hex)
    }

    /// A saved measurement of the ci catalog without `deleted`: 16 pairs of throughput per
    /// benchmark, the head side 20 % slower on `slowed` and within ±1 % of the base elsewhere.
    /// With `shards`, it is split as `compare --against --shard i/N` splits it, the second shard
    /// holding 32 pairs (its loop ran longer).
    static func measurement(in directory: String, base: String, head: String, headCommit: String? = nil, shards: Int = 1) throws {
        let listing = try ReleaseBinary.run(["list", "--scenario", "ci"], in: directory)
        let ids = listing.stdout.split(separator: "\n").dropFirst().map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && $0 != deleted }
        #expect(ids.count > 40, "\(listing.stdout)")
        var rng = SplitMix64(seed: 7)
        var baseMetrics: [String: [Metric]] = [:]
        var headMetrics: [String: [Metric]] = [:]
        for (index, id) in ids.enumerated() {
            let a = ResultFixtures.noisy(1e6, cv: 0.01, n: shards > 1 && index % shards == 1 ? 32 : 16, rng: &rng)
            let factor = id == slowed ? 0.8 : 1.0
            let b = a.map { $0 * factor * (1 + 0.005 * ResultFixtures.gaussian(&rng)) }
            baseMetrics[id] = [Metric(name: "throughput", unit: "msg/s", direction: .higherIsBetter, samples: a)]
            headMetrics[id] = [Metric(name: "throughput", unit: "msg/s", direction: .higherIsBetter, samples: b)]
        }
        for shard in 1...shards {
            let out = directory + "/measurement/shard-\(shard)"
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
            let mine = ids.enumerated().filter { shards == 1 || $0.offset % shards == shard - 1 }.map(\.element)
            var files = [
                ResultFixtures.result(baseMetrics.filter { mine.contains($0.key) }, commit: base),
                ResultFixtures.result(headMetrics.filter { mine.contains($0.key) }, commit: headCommit ?? head),
            ]
            for index in files.indices where shards > 1 { files[index].run.shard = Shard(index: shard, count: shards, group: "run-1") }
            try files[0].write(to: out + "/base.json")
            try files[1].write(to: out + "/head.json")
        }
    }

    /// The pull request's edits change nothing: the judge reads perfgate.json at the base commit
    /// (5 % tolerance; 3 % paired) and its own catalog, so the 20 % slowdown is a regression and
    /// the deleted benchmark fails the build, while the pull request's 90 % tolerance would have passed it.
    @Test func aPullRequestThatLoosensItsGateGetsTheBaseVerdict() throws {
        let (dir, base, head) = try Self.repository()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Self.measurement(in: dir, base: base, head: head)
        let judged = try ReleaseBinary.run(["judge", "measurement/shard-1", "--base", base, "--head", head], in: dir)
        #expect(judged.status == 1, "\(judged.stdout)\n\(judged.stderr)")
        #expect(judged.stdout.contains("\(Self.slowed) throughput: -20."), "\(judged.stdout)")
        #expect(judged.stdout.contains("missing (in the baseline, not run):") && judged.stdout.contains("  \(Self.deleted)"))
        #expect(judged.stdout.contains("with perfgate.json at the base commit \(base.prefix(12))"))
        #expect(judged.stdout.contains("FAIL: 1 regressed, 1 benchmark(s) missing"), "\(judged.stdout)")
        // The same pairs under the pull request's own perfgate.json would pass the slowdown.
        let loose = try ReleaseBinary.run(["judge", "measurement/shard-1", "--config", "perfgate.json"], in: dir)
        #expect(loose.stdout.contains("FAIL: 1 benchmark(s) missing") && !loose.stdout.contains("1 regressed"), "\(loose.stdout)")

        // The workflow's judge step and its publish step, simulated: outputs, summary and the comment.
        let outputs = dir + "/output.txt"
        let summary = dir + "/summary.md"
        let step = try ReleaseBinary.runScript(
            "scripts/judge_pull_request.sh", in: dir,
            environment: [
                "PERFGATE_BIN": ReleaseBinary.path(), "BASE": base, "HEAD": head, "MEASUREMENTS": dir + "/measurement",
                "GITHUB_ACTIONS": "true", "GITHUB_OUTPUT": outputs, "GITHUB_STEP_SUMMARY": summary,
            ])
        #expect(step.status == 1, "\(step.stdout)\n\(step.stderr)")
        let written = try String(contentsOfFile: outputs, encoding: .utf8)
        #expect(written.contains("verdict=regression") && written.contains("exit-code=1") && written.contains("missing=1"))
        // One summary annotation, then the worst problems.
        #expect(step.stdout.contains("::error title=perfgate::FAIL: 1 regressed, 1 benchmark(s) missing"), "\(step.stdout)")
        #expect(step.stdout.contains("::error title=perfgate benchmark missing::\(Self.deleted) is in the baseline"))
        let publish = try ReleaseBinary.runScript(
            "scripts/publish_verdict.sh", in: dir,
            environment: [
                "DRY_RUN": "1", "GITHUB_REPOSITORY": "o/r", "NUMBER": "7", "HEAD": head, "VERDICT": "regression", "EXIT_CODE": "1",
                "REPORT": dir + "/reports/report.md",
            ])
        #expect(publish.status == 0, "\(publish.stderr)")
        #expect(publish.stderr.contains("gh api --method POST repos/o/r/statuses/\(head) -f state=failure -f context=perfgate"))
        #expect(publish.stdout.contains("commented on #7"))
    }

    /// A measurement that is not of the expected commits, or whose sides do not pair, is refused
    /// (exit 2) with the file, the field and the fix; the step's outputs still say why.
    @Test func aMeasurementThatIsNotWhatItClaimsIsRefused() throws {
        let (dir, base, head) = try Self.repository()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Self.measurement(in: dir, base: base, head: head, headCommit: base)
        let judged = try ReleaseBinary.run(["judge", "measurement/shard-1", "--base", base, "--head", head], in: dir)
        #expect(judged.status == 2)
        #expect(judged.stderr.contains("measurement/shard-1: head: run.commit: is \(base), not the expected \(head)"), "\(judged.stderr)")
        let outputs = dir + "/output.txt"
        let step = try ReleaseBinary.runScript(
            "scripts/judge_pull_request.sh", in: dir,
            environment: [
                "PERFGATE_BIN": ReleaseBinary.path(), "BASE": base, "HEAD": head, "MEASUREMENTS": dir + "/measurement",
                "GITHUB_OUTPUT": outputs,
            ])
        #expect(step.status == 2)
        #expect(try String(contentsOfFile: outputs, encoding: .utf8).contains("verdict=invalid-measurement"))
        let failed = try ReleaseBinary.runScript(
            "scripts/judge_pull_request.sh", in: dir,
            environment: ["PERFGATE_BIN": ReleaseBinary.path(), "BASE": base, "HEAD": head, "MEASURED": "failure"])
        #expect(failed.status == 2 && failed.stdout.contains("::error title=perfgate::The measuring workflow ended 'failure'"))
    }

    /// A measurement spread over two runners is judged as one, each shard's pairs as far as its
    /// loop went; without one of its shards it is refused, naming the missing one.
    @Test func aShardedMeasurementIsJudgedWhole() throws {
        let (dir, base, head) = try Self.repository()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Self.measurement(in: dir, base: base, head: head, shards: 2)
        let judged = try ReleaseBinary.run(
            ["judge", "measurement/shard-1", "measurement/shard-2", "--base", base, "--head", head], in: dir)
        #expect(judged.status == 1, "\(judged.stdout)\n\(judged.stderr)")
        #expect(judged.stdout.contains("regressions (1):\n  \(Self.slowed) throughput: -"), "\(judged.stdout)")
        #expect(judged.stdout.contains("FAIL: 1 regressed, 1 benchmark(s) missing"))
        let half = try ReleaseBinary.run(["judge", "measurement/shard-1", "--base", base, "--head", head], in: dir)
        #expect(half.status == 2)
        #expect(half.stderr.contains("the sharded run run-1 is incomplete: shard(s) 2/2 of 2 not recorded"), "\(half.stderr)")
    }
}
