import Foundation
import PerfgateCore
import PerfgateSupport
import PerfgateTestSupport
import Testing

/// The HTML a reader opens, rendered by the release binary and laid out by headless Chromium
/// (`scripts/check_html_report.sh`): the pull-request report and the history dashboard have a
/// value axis with units on every chart, nothing sticking out of its card, and the rounds of each
/// gated metric drawn; screenshots are written. Skipped (reported so) where Chromium is missing;
/// `.ci/run` installs it.
@Suite(.serialized) struct ReportRenderingTests {
    static let hasChromium = ProcessRunner.which("chromium") != nil

    /// A result of three benchmarks with latency percentiles and a throughput, `factor` times slower.
    static func result(factor: Double, seed: UInt64) -> ResultFile {
        var rng = SplitMix64(seed: seed)
        var metrics: [String: [Metric]] = [:]
        for id in ["wal.append.single/64B/sync=none", "wal.append.batch/64B/batch=1000", "wal.read.random/64B/mmap"] {
            metrics[id] = [
                ResultFixtures.latency(ResultFixtures.noisy(1200 * factor, cv: 0.02, n: 20, rng: &rng), name: "p50"),
                ResultFixtures.latency(ResultFixtures.noisy(3100 * factor, cv: 0.03, n: 20, rng: &rng), name: "p99"),
                ResultFixtures.latency(ResultFixtures.noisy(9000 * factor, cv: 0.2, n: 20, rng: &rng), name: "max"),
                Metric(
                    name: "throughput", unit: "msg/s", direction: .higherIsBetter,
                    samples: ResultFixtures.noisy(2.2e7 / factor, cv: 0.02, n: 20, rng: &rng)),
            ]
        }
        return ResultFixtures.result(
            metrics, operations: 100_000, machine: ResultFixtures.machine(profile: "cli-test-2c", cpuModel: "CLI Test CPU"), commit: nil)
    }

    /// Runs the layout check on `page`; its findings (JSON) and exit status.
    static func check(_ page: String, screenshot: String, in dir: String) throws -> (status: Int32, findings: [String: Any]) {
        let run = try CLITests.run(
            [CLITests.projectRoot + "/scripts/check_html_report.sh", page, screenshot], in: dir, executable: "/bin/bash")
        let line = run.stdout.split(separator: "\n").last.map(String.init) ?? "{}"
        let findings = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] ?? [:]
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        return (run.status, findings)
    }

    @Test(.enabled(if: hasChromium, "needs chromium (apt-get install chromium)"))
    func pullRequestReportLaysOutInChromium() throws {
        let dir = CLITests.repository()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Self.result(factor: 1, seed: 1).write(to: dir + "/base.json")
        try Self.result(factor: 1.25, seed: 2).write(to: dir + "/slow.json")
        let run = try CLITests.run(
            ["compare", "--baseline", "base.json", "--current", "slow.json", "--report-dir", "r", "--report-formats", "html,json"],
            in: dir)
        #expect(run.status == 1)
        let report = try GateReport.load(path: dir + "/r/report.json")
        let gated = report.comparisons.filter(\.isGated).count
        #expect(gated == 9, "p50, p99 and throughput of three benchmarks")
        let (_, findings) = try Self.check(dir + "/r/report.html", screenshot: dir + "/report.png", in: dir)
        #expect(findings["roundsCharts"] as? Int == gated, "a per-round chart for each gated metric")
        #expect((findings["charts"] as? Int ?? 0) == gated + 1, "and the interval chart")
        #expect((findings["unlabelled"] as? [Any])?.isEmpty == true && (findings["overflow"] as? [Any])?.isEmpty == true)
        let png = try #require(FileManager.default.contents(atPath: dir + "/report.png"))
        #expect(png.count > 10_000 && png.prefix(4) == Data([0x89, 0x50, 0x4E, 0x47]), "a PNG screenshot")
    }

    /// `report --history` renders the dashboard from the notes of a repository: twelve commits,
    /// the last six 25 % slower, give a change point at the seventh; usage errors exit 2.
    @Test func historyDashboardThroughTheCLI() throws {
        let dir = CLITests.repository()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var commits: [String] = []
        for i in 0..<12 {
            CLITests.git("commit", "-q", "--allow-empty", "-m", "change \(i)", in: dir)
            try Self.result(factor: i >= 6 ? 1.25 : 1, seed: UInt64(10 + i)).write(to: dir + "/.perfgate/r\(i).json")
            let recorded = try CLITests.run(["record", ".perfgate/r\(i).json"], in: dir)
            #expect(recorded.status == 0, "\(recorded.stderr)")
            commits.append(GitFixture(existing: dir).git("rev-parse", "HEAD"))
        }
        let site = try CLITests.run(["report", "--history", "--output", "site"], in: dir)
        #expect(site.status == 0, "\(site.stderr)")
        #expect(site.stderr.contains("wrote 4 page(s) to site: 12 series over 14 commits (12 with a ci run on cli-test-2c)"))
        let index = try String(contentsOfFile: dir + "/site/index.html", encoding: .utf8)
        #expect(index.components(separatedBy: "<svg class=\"chart sparkline\"").count - 1 == 3)
        let page = try String(contentsOfFile: dir + "/site/wal.append.single.html", encoding: .utf8)
        #expect(page.contains(">\(commits[6].prefix(7)) +"), "the change point names the first slower commit")
        if Self.hasChromium {
            for name in ["index.html", "wal.append.single.html"] {
                let (_, findings) = try Self.check(dir + "/site/" + name, screenshot: dir + "/\(name).png", in: dir)
                #expect((findings["unlabelled"] as? [Any])?.isEmpty == true && (findings["overflow"] as? [Any])?.isEmpty == true)
            }
        }
        // The second render reads every note's digest from the cache and draws the same pages.
        #expect(site.stderr.contains("0 from the cache, 12 decoded"), "\(site.stderr)")
        let cachePath = dir + "/.git/perfgate/history-ci.cache"
        #expect(FileManager.default.fileExists(atPath: cachePath))
        let again = try CLITests.run(["report", "--history", "--output", "site2"], in: dir)
        #expect(again.status == 0 && again.stderr.contains("12 from the cache, 0 decoded"), "\(again.stderr)")
        try Self.expectSamePages(dir + "/site", dir + "/site2")
        // A damaged cache is not read: it is rebuilt, and says so.
        var damaged = try #require(FileManager.default.contents(atPath: cachePath))
        damaged[damaged.count / 2] ^= 0x40
        try damaged.write(to: URL(fileURLWithPath: cachePath))
        let rebuilt = try CLITests.run(["report", "--history", "--output", "site3"], in: dir)
        #expect(rebuilt.status == 0 && rebuilt.stderr.contains("checksum does not match"), "\(rebuilt.stderr)")
        #expect(rebuilt.stderr.contains("0 from the cache, 12 decoded"), "\(rebuilt.stderr)")
        try Self.expectSamePages(dir + "/site", dir + "/site3")
        let afresh = try CLITests.run(["report", "--history", "--output", "site4", "--no-cache"], in: dir)
        #expect(afresh.status == 0 && afresh.stderr.contains("0 from the cache, 12 decoded"), "\(afresh.stderr)")
        let both = try CLITests.run(["report", "--history", "--output", "s5", "--no-cache", "--cache", "x"], in: dir)
        #expect(both.status == 2 && both.stderr.contains("--no-cache and --cache x: choose one"))
        let stray = try CLITests.run(["report", "r.json", "--no-cache"], in: dir)
        #expect(stray.status == 2 && stray.stderr.contains("--cache and --no-cache belong to --history"), "\(stray.stderr)")
        let noOutput = try CLITests.run(["report", "--history"], in: dir)
        #expect(noOutput.status == 2 && noOutput.stderr.contains("--history needs --output DIR"))
        let wrongScenario = try CLITests.run(["report", "--history", "--output", "s2", "--scenario", "nightly"], in: dir)
        #expect(wrongScenario.status == 2 && wrongScenario.stderr.contains("recorded scenarios: ci"))
        let nothing = try CLITests.run(["report"], in: dir)
        #expect(nothing.status == 2 && nothing.stderr.contains("name a report file"))
    }

    /// The two sites have the same pages, but for the time each was generated.
    static func expectSamePages(_ a: String, _ b: String) throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: a).sorted()
        #expect(try FileManager.default.contentsOfDirectory(atPath: b).sorted() == names)
        let stamp = try Regex("Generated [^<]*? by")
        for name in names {
            let first = try String(contentsOfFile: a + "/" + name, encoding: .utf8).replacing(stamp, with: "")
            let second = try String(contentsOfFile: b + "/" + name, encoding: .utf8).replacing(stamp, with: "")
            let same = zip(first, second).prefix { $0 == $1 }.count
            let around = { (page: String) in page.dropFirst(max(0, same - 80)).prefix(200) }
            #expect(first == second, "\(name) differs at character \(same): \(around(first)) | \(around(second))")
        }
    }
}
