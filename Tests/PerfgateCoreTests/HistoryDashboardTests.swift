import Foundation
import PerfgateCore
import PerfgateSupport
import PerfgateTestSupport
import Testing

/// The history dashboard: an index with a sparkline per benchmark and one page per family with
/// every metric's trend, change points named by commit, baseline bands, and only the scenario and
/// machine asked for.
@Suite struct HistoryDashboardTests {
    static func commitID(_ i: Int) -> String { String(format: "%07x", i * 7919) + String(repeating: "0", count: 33) }

    /// `count` commits, newest first as the loader returns them; append p99 steps up 20 % from
    /// commit `step` on. Every commit also has a quick-scenario run and a run on another machine,
    /// which the dashboard must leave out.
    static func history(count: Int, step: Int) -> ResultHistory {
        var rng = SplitMix64(seed: 11)
        var entries: [ResultHistory.Entry] = []
        for i in 0..<count {
            let factor = i >= step ? 1.2 : 1.0
            func run(scenario: String, profile: String, level: Double) -> ResultFile {
                var file = ResultFixtures.result(
                    [
                        "wal.append.single/64B/sync=none": [
                            ResultFixtures.latency(ResultFixtures.noisy(level * factor, cv: 0.01, n: 10, rng: &rng), name: "p99"),
                            Metric(
                                name: "throughput", unit: "msg/s", direction: .higherIsBetter,
                                samples: ResultFixtures.noisy(2e6, cv: 0.01, n: 10, rng: &rng)),
                        ],
                        "wal.replay/64B": [ResultFixtures.latency(ResultFixtures.noisy(5000, cv: 0.01, n: 10, rng: &rng), name: "p99")],
                    ], scenario: scenario, machine: ResultFixtures.machine(profile: profile), commit: commitID(i))
                // The other machine's runs finish earlier: the default profile is the newest run's.
                file.run.finishedAt = Date(timeIntervalSince1970: 1_700_000_000 + Double(i) * 60 - (profile == "test-2c" ? 0 : 30))
                return file
            }
            entries.append(
                ResultHistory.Entry(
                    commit: commitID(i), time: 1_700_000_000 + Int64(i) * 60, summary: "commit \(i)",
                    results: [
                        run(scenario: "ci", profile: "test-2c", level: 1000), run(scenario: "quick", profile: "test-2c", level: 9e9),
                        run(scenario: "ci", profile: "other-8c", level: 9e9),
                    ]))
        }
        return ResultHistory(entries: entries.reversed(), warnings: [])
    }

    @Test func indexAndFamilyPagesChartEveryMetricWithChangePoints() throws {
        let history = Self.history(count: 60, step: 30)
        var baseline = history.entries.last!.results[0]
        baseline.run.commit = nil
        var configuration = GateConfiguration()
        configuration.gate.bootstrapResamples = 200
        let site = HistoryDashboard(
            history: history, scenario: "ci", profile: "test-2c", configuration: configuration, baseline: baseline,
            generator: "perfgate test"
        ).render()
        #expect(Set(site.files.keys) == ["index.html", "wal.append.single.html", "wal.replay.html"])
        #expect(site.commits == 60 && site.recordedCommits == 60 && site.series == 3 && site.analysedSeries == 3)
        let index = try #require(site.files["index.html"])
        #expect(index.components(separatedBy: "<svg class=\"chart sparkline\"").count - 1 == 2, "one sparkline per benchmark")
        #expect(index.contains("href=\"wal.append.single.html#b-wal.append.single_2f64B_2fsync_3dnone\""))
        #expect(
            index.contains("p99 +") && index.contains(" at <code>\(Self.commitID(30).prefix(8))</code>"),
            "the latest change point, by commit")
        #expect(index.contains(">regressed</span> (p99 +"), "the newest run against the baseline")
        let page = try #require(site.files["wal.append.single.html"])
        #expect(page.components(separatedBy: "<svg class=\"chart trend\"").count - 1 == 2)
        #expect(page.contains("id=\"m-wal.append.single_2f64B_2fsync_3dnone_20p99\""))
        #expect(page.contains(">\(Self.commitID(30).prefix(7)) +"), "the change point labelled with its first commit")
        #expect(page.contains("class=\"tolerance\"") && page.contains("class=\"baseline\""), "the baseline and its tolerance band")
        #expect(page.contains("p99 (µs)") && page.contains("throughput (M msg/s)"), "value axes with units")
        #expect(page.contains("<title>\(Self.commitID(59).prefix(10)): "), "each commit answers a hover")
        #expect(!page.contains("p99 (s)"), "runs of other scenarios and machines (9 s) are left out of the axis")
        #expect(
            HistoryDashboard.link(root: "https://o.github.io/r/perf/", benchmark: "wal.replay/64B", metric: "p99")
                == "https://o.github.io/r/perf/wal.replay.html#m-wal.replay_2f64B_20p99")
    }

    /// A long history is drawn as at most a few hundred columns per chart, each naming its commits.
    @Test func longHistoriesAreDrawnInColumns() throws {
        let site = HistoryDashboard(history: Self.history(count: 1_000, step: 400), scenario: "ci").render()
        let page = try #require(site.files["wal.replay.html"])
        #expect(page.components(separatedBy: "<rect class=\"hover\"").count - 1 == 1, "one hover target per chart")
        let tips = try #require(page.range(of: "data-tips=\"")).upperBound
        let texts = page[tips...].prefix { $0 != "\"" }.split(separator: "|")
        #expect(texts.count == 200)
        #expect(texts.allSatisfy { $0.contains("commits): median") }, "each column names the commits it stands for")
        #expect(texts.first?.hasPrefix(Self.commitID(0).prefix(7) + "…") == true)
        #expect(site.profile == "test-2c", "the newest run's machine by default")
    }
}
