import Foundation
import PerfgateCore
import PerfgateSupport
import PerfgateTestSupport
import Testing

/// A suite spread over three runners, joined through git: three clones each run and record one
/// shard of the same commit and push it with `notes sync` at the same time into one bare remote;
/// a fourth clone fetches the notes and reads the commit as one run.
@Suite(.serialized) struct ShardTests {
    /// Cheap benchmarks of the smoke scenario that count writes exactly (no callgrind round).
    static let filters = [
        "wal.append.batch/64B/batch=10", "wal.append.batch/64B/batch=100", "wal.append.batch/1KB/batch=100",
        "wal.append.single/64B/sync=none", "wal.txn/k=1", "wal.txn/k=10", "raw.cpu/splitmix", "floor.write.single/64B",
    ]

    static func clone(_ remote: String, into path: String) {
        let fixture = GitFixture(existing: "/")
        fixture.git("clone", "-q", remote, path)
        fixture.git("config", "user.email", "t@example.com", in: path)
        fixture.git("config", "user.name", "T", in: path)
    }

    @Test func threeShardsRecordedConcurrentlyReadAsTheUnshardedRun() throws {
        let origin = GitFixture.initialised(commits: 2)
        let root = GitFixture("shards")
        defer {
            origin.cleanUp()
            root.cleanUp()
        }
        try ".perfgate/\n".write(toFile: origin.path + "/.gitignore", atomically: true, encoding: .utf8)
        origin.git("add", ".gitignore")
        origin.git("commit", "-q", "-m", "ignore .perfgate")
        let remote = root.path + "/remote.git"
        origin.git("clone", "-q", "--bare", origin.path, remote, in: "/")
        let filterArguments = Self.filters.flatMap { ["--filter", $0] }
        let common = ["run", "--scenario", "smoke", "--rounds", "2"] + filterArguments

        // Three runners at once: run a shard, record it, push it.
        var runners: [Process] = []
        for i in 1...3 {
            let clone = root.path + "/runner-\(i)"
            Self.clone(remote, into: clone)
            let script =
                "set -e; \"$PERFGATE\" "
                + (common + ["--shard", "\(i)/3", "--shard-group", "g1", "--record"]).map { "'\($0)'" }
                .joined(separator: " ") + " > run.log 2>&1; \"$PERFGATE\" notes sync --remote origin >> run.log 2>&1"
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/bash")
            process.arguments = ["-c", script]
            process.currentDirectoryURL = URL(fileURLWithPath: clone)
            var environment = ProcessInfo.processInfo.environment
            for key in environment.keys where key.hasPrefix("GITHUB_") { environment.removeValue(forKey: key) }
            environment["PERFGATE"] = ReleaseBinary.path()
            process.environment = environment
            runners.append(process)
        }
        for runner in runners { try runner.run() }
        for runner in runners { runner.waitUntilExit() }
        for (i, runner) in runners.enumerated() {
            let log = (try? String(contentsOfFile: root.path + "/runner-\(i + 1)/run.log", encoding: .utf8)) ?? ""
            #expect(runner.terminationStatus == 0, "runner \(i + 1): \(log)")
            #expect(log.contains("shard \(i + 1)/3 of group g1"), "\(log)")
        }

        // The reader: the joined run has exactly the unsharded run's benchmarks and counters.
        let reader = root.path + "/reader"
        Self.clone(remote, into: reader)
        let fetched = try ReleaseBinary.run(["notes", "sync", "--remote", "origin"], in: reader)
        #expect(fetched.status == 0, "\(fetched.stderr)")
        let unsharded = try ReleaseBinary.run(common + ["--output", "unsharded.json"], in: reader)
        #expect(unsharded.status == 0, "\(unsharded.stderr)")
        let whole = try ResultFile.load(path: reader + "/unsharded.json")
        let joined = try ReleaseBinary.run(
            [
                "compare", "--baseline", "unsharded.json", "--current", "HEAD", "--scenario", "smoke", "--format", "json", "--output",
                "r.json",
            ],
            in: reader)
        #expect(joined.status == 0 || joined.status == 1, "\(joined.stderr)")
        let report = try GateReport.load(path: reader + "/r.json")
        #expect(Set(report.comparisons.map(\.benchmark)) == Set(whole.benchmarks.map(\.id)))
        #expect(report.missingBenchmarks.isEmpty && !report.notes.contains { $0.contains("is new") })
        // Exact counters (the same code makes the same calls) get the verdicts the unsharded run gets against itself.
        let itself = try ReleaseBinary.run(
            ["compare", "--baseline", "unsharded.json", "--current", "unsharded.json", "--format", "json", "--output", "self.json"],
            in: reader)
        #expect(itself.status == 0, "\(itself.stderr)")
        let reference = try GateReport.load(path: reader + "/self.json")
        func counters(_ report: GateReport) -> [String: Verdict] {
            Dictionary(uniqueKeysWithValues: report.comparisons.filter { $0.kind == .counter }.map { ($0.id, $0.verdict) })
        }
        #expect(!counters(report).isEmpty && counters(report) == counters(reference))
        #expect(counters(report).values.contains(.unchanged))
        // Each shard ran a disjoint share; together, all of them.
        let listings = try (1...3).map { i in
            try ReleaseBinary.run(["list", "--scenario", "smoke", "--shard", "\(i)/3"] + filterArguments, in: reader).stdout
        }
        let shares = listings.map { Set($0.split(separator: "\n").dropFirst().map { $0.trimmingCharacters(in: .whitespaces) }) }
        #expect(shares.allSatisfy { !$0.isEmpty } && shares[0].union(shares[1]).union(shares[2]) == Set(Self.filters))
        #expect(shares[0].isDisjoint(with: shares[1]) && shares[1].isDisjoint(with: shares[2]) && shares[0].isDisjoint(with: shares[2]))

        // A commit whose third shard never arrived is refused, naming it.
        let partial = root.path + "/runner-1"
        origin.git("commit", "-q", "--allow-empty", "-m", "next", in: partial)
        for i in 1...2 {
            let recorded = try ReleaseBinary.run(common + ["--shard", "\(i)/3", "--shard-group", "g2", "--record"], in: partial)
            #expect(recorded.status == 0, "\(recorded.stderr)")
        }
        let refused = try ReleaseBinary.run(["compare", "--current", "HEAD", "--baseline", "HEAD~1", "--scenario", "smoke"], in: partial)
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("the sharded run g2 is incomplete: shard(s) 3/3 of 3 not recorded"), "\(refused.stderr)")
    }
}
