import Foundation
import PerfgateCore
import PerfgateSupport
import PerfgateTestSupport
import Testing

/// A run is held to its baseline's benchmarks, and a sharded run is read whole or not at all.
@Suite struct ShardAndMissingTests {
    static func result(_ ids: [String], factor: Double = 1, shard: Shard? = nil, finished: Date = Date()) -> ResultFile {
        var file = ResultFixtures.result(
            Dictionary(uniqueKeysWithValues: ids.map { ($0, [ResultFixtures.latency([100, 101, 99, 100, 102].map { $0 * factor })]) }))
        file.run.shard = shard
        file.run.finishedAt = finished
        return file
    }

    /// A benchmark of the baseline that the run left out fails the build, named, with what to do;
    /// a filtered run is only told which it skipped, and a shard which the other shards hold.
    @Test func aBenchmarkMissingFromAnUnfilteredRunFailsTheBuild() throws {
        let baseline = Self.result(["a", "b", "c"])
        let comparator = Comparator(configuration: GateConfiguration())
        let report = comparator.compare(baseline: baseline, current: Self.result(["a", "c"]), baselineSource: "b", currentSource: "c")
        #expect(report.missingBenchmarks == ["b"])
        #expect(report.outcome == .regression)
        #expect(report.exitCode(strict: false, failOnImprovement: false, allowMissingBaseline: false) == .failed)
        #expect(report.headline == "FAIL: 1 benchmark(s) missing, 2 unchanged")
        let markdown = try ReportFormat.markdown.render(report)
        #expect(markdown.contains("- **missing** — b is in the baseline but did not run: restore it"))
        let junit = try ReportFormat.junit.render(report)
        #expect(junit.contains("failures=\"1\"") && junit.contains("<testcase classname=\"b\" name=\"present\"><failure"))

        var filtered = Self.result(["a"])
        filtered.run.filters = ["a*"]
        let skipped = comparator.compare(baseline: baseline, current: filtered, baselineSource: "b", currentSource: "c")
        #expect(skipped.missingBenchmarks.isEmpty && skipped.outcome == .pass)
        #expect(skipped.notes.contains { $0.hasPrefix("2 baseline benchmark(s) not selected by this run's filters (a*): b, c") })

        let shard = comparator.compare(
            baseline: baseline, current: Self.result(["a"], shard: Shard(index: 1, count: 2, group: "g")), baselineSource: "b",
            currentSource: "c")
        #expect(shard.missingBenchmarks.isEmpty && shard.notes.contains { $0.hasPrefix("this run is shard 1/2 of group g") })

        // A report written before the field existed still reads, with nothing missing.
        let path = NSTemporaryDirectory() + "perfgate-old-report-\(UUID().uuidString.prefix(6)).json"
        defer { try? FileManager.default.removeItem(atPath: path) }
        var json = try JSONSerialization.jsonObject(with: report.encoded()) as! [String: Any]
        json.removeValue(forKey: "missing")
        try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: path))
        #expect(try GateReport.load(path: path).missingBenchmarks.isEmpty)
    }

    /// The shards of one group join into the union of their benchmarks; the newest complete run
    /// of a commit is read, and an incomplete newest one is refused, naming what is missing.
    @Test func shardsJoinIntoOneRunOrAreRefused() throws {
        let earlier = Date(timeIntervalSince1970: 1_000)
        let later = Date(timeIntervalSince1970: 2_000)
        let shards = [
            Self.result(["a", "b"], shard: Shard(index: 1, count: 3, group: "g"), finished: later),
            Self.result(["c"], shard: Shard(index: 2, count: 3, group: "g"), finished: later),
            Self.result(["d"], shard: Shard(index: 3, count: 3, group: "g"), finished: later.addingTimeInterval(5)),
        ]
        let joined = try ResultFile.joining(shards, source: "notes")
        #expect(joined.benchmarks.map(\.id) == ["a", "b", "c", "d"])
        #expect(joined.run.shard == nil && joined.run.runID == "g" && joined.run.finishedAt == later.addingTimeInterval(5))

        let whole = Self.result(["a", "b", "c", "d"], finished: earlier)
        #expect(try ResultFile.latest(of: [whole] + shards, scenario: "ci", source: "n")?.run.runID == "g", "the newer, sharded run")
        #expect(try ResultFile.latest(of: [whole], scenario: "quick", source: "n") == nil)
        #expect(throws: PerfgateError.self) { try ResultFile.latest(of: [whole] + shards.dropLast(), scenario: "ci", source: "n") }
        do {
            _ = try ResultFile.joining(Array(shards.dropLast()), source: "the note on abc")
            Issue.record("an incomplete set joined")
        } catch let error as PerfgateError {
            #expect(error.message.contains("the note on abc: run.shard: the sharded run g is incomplete: shard(s) 3/3 of 3 not recorded"))
            #expect(error.exitStatus == .badInput)
        }
        var twice = shards
        twice[1].benchmarks = Self.result(["b"]).benchmarks
        #expect(throws: PerfgateError.self) { try ResultFile.joining(twice, source: "n") }
        var other = shards
        other[2].run.shard?.group = "h"
        #expect(throws: PerfgateError.self) { try ResultFile.joining(other, source: "n") }
        // A re-run shard replaces the earlier recording of the same index.
        let rerun = Self.result(["d"], factor: 2, shard: Shard(index: 3, count: 3, group: "g"), finished: later.addingTimeInterval(60))
        let latest = try ResultFile.latest(of: shards + [rerun], scenario: "ci", source: "n")
        #expect(latest?.benchmark("d")?.metrics[0].samples.first == 200)
    }

    @Test func shardArgumentsAreCheckedWithTheirFix() throws {
        #expect(try Shard.parse("2/3", group: "g") == Shard(index: 2, count: 3, group: "g"))
        for bad in ["0/3", "4/3", "3", "a/b", "1/0", "1/65"] {
            #expect(throws: PerfgateError.self) { try Shard.parse(bad, group: "g") }
        }
    }
}
