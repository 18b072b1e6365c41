import Foundation
import PerfgateCore
import PerfgateGit
import PerfgateSession
import PerfgateTestSupport
import Testing

/// Baseline selection and the notes and refusals around it, in a real repository, in-process.
@Suite struct GateSessionTests {
    static let base = [100, 101, 99, 100.5, 99.5, 100.2, 99.8, 100.1, 99.9, 100.3]

    static func result(factor: Double, profile: String = "test-2c", scenario: String = "ci") -> ResultFile {
        ResultFixtures.result(
            ["wal.append.single/64B/sync=none": [ResultFixtures.latency(base.map { $0 * factor }, name: "mean")]],
            scenario: scenario, machine: ResultFixtures.machine(profile: profile), commit: nil)
    }

    /// A repository whose main branch holds a baseline at 1×; returns the fixture and that commit.
    static func repositoryWithBaseline() throws -> (GitFixture, String) {
        let fixture = GitFixture.initialised(commits: 1)
        try FileManager.default.createDirectory(atPath: fixture.path + "/baselines/test-2c", withIntermediateDirectories: true)
        try result(factor: 1).write(to: fixture.path + "/baselines/test-2c/ci.json")
        fixture.git("add", "baselines")
        fixture.git("commit", "-q", "-m", "baseline")
        return (fixture, fixture.git("rev-parse", "HEAD"))
    }

    static func session(_ fixture: GitFixture, variables: [String: String] = [:], policy: GatePolicy = GatePolicy()) throws -> GateSession {
        GateSession(
            policy: policy, repository: try fixture.repository(),
            environment: SessionEnvironment(variables: variables, currentDirectory: fixture.path),
            knownBenchmarks: [], knownMetrics: [])
    }

    /// A pull request that loosens its own baseline (here: records a 1.3× one) is still judged by
    /// the base commit's, and the report says so.
    @Test func aPullRequestIsJudgedByItsBaseCommitsBaseline() throws {
        let (fixture, baseCommit) = try Self.repositoryWithBaseline()
        defer { fixture.cleanUp() }
        try Self.result(factor: 1.3).write(to: fixture.path + "/baselines/test-2c/ci.json")
        fixture.git("commit", "-q", "-am", "loosen the gate")
        let head = fixture.git("rev-parse", "HEAD")
        let event = fixture.path + "/event.json"
        try Data("{\"pull_request\": {\"head\": {\"sha\": \"\(head)\"}, \"base\": {\"sha\": \"\(baseCommit)\"}}}".utf8)
            .write(to: URL(fileURLWithPath: event))
        let session = try Self.session(fixture, variables: ["GITHUB_EVENT_NAME": "pull_request", "GITHUB_EVENT_PATH": event])
        let report = try session.report(current: Self.result(factor: 1.3), currentSource: "current", explicitBaseline: nil, baseRef: nil)
        #expect(report.baselineSource == "baselines/test-2c/ci.json at \(baseCommit.prefix(12))")
        #expect(report.comparisons.first { $0.metric == "mean" }?.verdict == .regressed)
        #expect(report.notes.contains { $0.contains("edits baselines/test-2c/ci.json") && $0.contains("cannot loosen its own gate") })
        #expect(session.policy.exitStatus(of: report) == .failed)
    }

    /// Without a pull request or --base-ref, the work tree's baseline applies; a missing one is a
    /// note and exit 3 unless allowed.
    @Test func theWorkTreeBaselineAndAMissingOne() throws {
        let (fixture, _) = try Self.repositoryWithBaseline()
        defer { fixture.cleanUp() }
        let session = try Self.session(fixture)
        let same = try session.report(current: Self.result(factor: 1.0), currentSource: "current", explicitBaseline: nil, baseRef: nil)
        #expect(same.baselineSource == "baselines/test-2c/ci.json")
        #expect(session.policy.exitStatus(of: same) == .pass)
        let other = try session.report(
            current: Self.result(factor: 1.0, scenario: "quick"), currentSource: "current",
            explicitBaseline: nil, baseRef: nil)
        #expect(other.baselineSource == "baselines/test-2c/quick.json (missing)")
        #expect(other.notes.contains { $0.hasPrefix("no baseline baselines/test-2c/quick.json") })
        #expect(session.policy.exitStatus(of: other) == .noBaseline)
        var lenient = GatePolicy()
        lenient.allowMissingBaseline = true
        #expect(lenient.exitStatus(of: other) == .pass)
    }

    /// A baseline of another machine or scenario is refused unless the policy allows it, then noted.
    @Test func crossMachineAndCrossScenarioNeedTheirFlags() throws {
        let (fixture, _) = try Self.repositoryWithBaseline()
        defer { fixture.cleanUp() }
        let session = try Self.session(fixture)
        let foreign = (Self.result(factor: 1, profile: "other-8c"), "other.json")
        #expect(throws: PerfgateError.self) {
            try session.report(current: Self.result(factor: 1), currentSource: "current", explicitBaseline: foreign, baseRef: nil)
        }
        var policy = GatePolicy()
        policy.allowCrossMachine = true
        let allowed = try Self.session(fixture, policy: policy)
            .report(current: Self.result(factor: 1), currentSource: "current", explicitBaseline: foreign, baseRef: nil)
        #expect(allowed.notes.contains("cross-machine comparison: baseline on other-8c, current on test-2c"))
        let quick = (Self.result(factor: 1, scenario: "quick"), "quick.json")
        #expect {
            try session.report(current: Self.result(factor: 1), currentSource: "current", explicitBaseline: quick, baseRef: nil)
        } throws: { error in
            (error as? PerfgateError)?.message.contains("quick.json: run.scenario: is quick") == true
        }
    }

    /// --base-ref names a commit that is not in the clone: an environment error that says to fetch it.
    @Test func anUnknownBaseRefSaysToFetch() throws {
        let (fixture, _) = try Self.repositoryWithBaseline()
        defer { fixture.cleanUp() }
        #expect {
            try Self.session(fixture).baseCommit(baseRef: "no-such-branch")
        } throws: { error in
            guard let error = error as? PerfgateError else { return false }
            return error.kind == .environment && error.message.contains("fetch-depth: 0") && error.cause is GitError
        }
    }
}
