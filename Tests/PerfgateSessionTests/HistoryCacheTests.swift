import Foundation
import PerfgateCore
import PerfgateSupport
import PerfgateTestSupport
import Testing

@testable import PerfgateSession

/// The history dashboard's cache of digested notes: what is written is read back exactly, and a
/// file that is damaged, cut short, of another scenario or format version is refused with the
/// reason (the render then rebuilds it) — never read as data.
@Suite struct HistoryCacheTests {
    static func cache() -> HistoryCache {
        var rng = SplitMix64(seed: 3)
        func run(_ level: Double, profile: String) -> ResultFile {
            ResultFixtures.result(
                [
                    "wal.append.single/64B/sync=none": [
                        ResultFixtures.latency(ResultFixtures.noisy(level, cv: 0.02, n: 7, rng: &rng), name: "p99"),
                        Metric(name: "throughput", unit: "msg/s", direction: .higherIsBetter, samples: [2e6]),
                    ]
                ], scenario: "ci", machine: ResultFixtures.machine(profile: profile))
        }
        var notes: [String: HistoryDigest.Note] = [:]
        notes[String(repeating: "a", count: 40)] = HistoryDigest.Note(
            results: [run(1000, profile: "test-2c"), run(2000, profile: "other-8c")], scenario: "ci", skippedLines: 2)
        notes[String(repeating: "b", count: 40)] = HistoryDigest.Note(
            runs: [HistoryDigest.RunStamp(scenario: "ci", profile: "test-2c", finishedAt: Date(timeIntervalSince1970: 1.7e9))],
            selections: ["test-2c": .incomplete])
        return HistoryCache(scenario: "ci", notes: notes)
    }

    @Test func whatIsWrittenIsReadBack() throws {
        let original = Self.cache()
        let a = try #require(original.notes[String(repeating: "a", count: 40)])
        #expect(a.runs.count == 2 && a.selections.count == 2 && a.skippedLines == 2)
        guard case .run(let digest) = a.selections["test-2c"] else {
            Issue.record("no digest of the test-2c run")
            return
        }
        #expect(digest.points.count == 2)
        #expect(digest.points.first { $0.key.metric == "throughput" }?.ownVariance == nil, "one round: no variance of its own")
        let path = NSTemporaryDirectory() + "history-cache-\(UUID().uuidString)/ci.cache"
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        try original.write(to: path)
        let (read, problem) = HistoryCache.read(path: path, scenario: "ci")
        #expect(problem == nil)
        #expect(read.scenario == "ci" && read.notes == original.notes)
        let (missing, none) = HistoryCache.read(path: path + ".absent", scenario: "ci")
        #expect(missing.notes.isEmpty && none == nil, "no file: an empty cache, nothing to report")
    }

    @Test func unusableFilesAreRefusedWithTheReason() throws {
        let bytes = Self.cache().encoded()
        func problem(_ data: [UInt8], scenario: String = "ci") throws -> String? {
            let path = NSTemporaryDirectory() + "history-cache-\(UUID().uuidString).cache"
            defer { try? FileManager.default.removeItem(atPath: path) }
            try Data(data).write(to: URL(fileURLWithPath: path))
            let (cache, problem) = HistoryCache.read(path: path, scenario: scenario)
            #expect(cache.notes.isEmpty && cache.scenario == scenario)
            return problem
        }
        #expect(try problem(bytes, scenario: "quick")?.contains("caches the ci scenario, not quick") == true)
        for offset in stride(from: 16, to: bytes.count, by: max(1, bytes.count / 40)) {
            var flipped = bytes
            flipped[offset] ^= 0x01
            #expect(try problem(flipped)?.contains("checksum does not match") == true, "byte \(offset) flipped")
        }
        #expect(try problem(Array(bytes.prefix(bytes.count - 3)))?.contains("checksum does not match") == true)
        #expect(try problem(Array(bytes.prefix(10)))?.contains("not a perfgate history cache") == true)
        var otherVersion = bytes
        otherVersion[4] = 99
        #expect(try problem(otherVersion)?.contains("format version 99") == true)
        #expect(try problem(Array("{\"json\": true}".utf8))?.contains("not a perfgate history cache") == true)
    }

    /// The cache lives in the git directory, never in the work tree, under a file-safe name.
    @Test func theDefaultPathIsInsideTheGitDirectory() {
        #expect(HistoryCache.defaultPath(gitDirectory: "/r/.git/", scenario: "ci") == "/r/.git/perfgate/history-ci.cache")
        #expect(HistoryCache.defaultPath(gitDirectory: "/r/.git", scenario: "a/../b") == "/r/.git/perfgate/history-a____b.cache")
    }
}
