import Foundation
import PerfgateCore
import Testing

@Suite struct RendererTests {
    static func report(benchmark: String) -> GateReport {
        let comparison = MetricComparison(
            benchmark: benchmark, metric: "p99", unit: "ns", direction: .lowerIsBetter, kind: .timing,
            baselineMedian: 1000, currentMedian: 1300, change: 0.3, intervalLow: 0.2, intervalHigh: 0.4,
            pValue: 0.0001, adjustedPValue: 0.0002, baselineSamples: 10, currentSamples: 10,
            tolerance: 0.05, minimumDetectableEffect: 0.15, verdict: .regressed)
        var unchanged = comparison
        unchanged.benchmark = "plain"
        unchanged.change = 0.001
        unchanged.intervalLow = -0.01
        unchanged.intervalHigh = 0.01
        unchanged.verdict = .unchanged
        return GateReport(
            mode: .storedBaseline, baselineSource: "b", currentSource: "c", baselineCommit: nil, currentCommit: nil,
            scenario: "ci", profile: "p", comparisons: [comparison, unchanged], targets: [], notes: [], alpha: 0.01)
    }

    /// Hostile benchmark names cannot break the Markdown table, inject HTML or XML, or spoof workflow commands.
    @Test func namesAreEscapedInEveryFormat() throws {
        let hostile = "evil|name</details><script>alert(1)</script>\n::error::x & \"q\""
        let report = Self.report(benchmark: hostile)
        let markdown = try ReportFormat.markdown.render(report)
        let failure = markdown.split(separator: "\n").filter { $0.hasPrefix("- **regressed** — ") }
        try #require(failure.count == 1)
        #expect(failure[0].contains("evil\\|name&lt;/details&gt;&lt;script&gt;"), "\(failure[0])")
        #expect(!markdown.contains("<script>") && !markdown.contains("</details><script"))
        let html = try ReportFormat.html.render(report)
        #expect(!html.contains("<script>alert") && html.contains("&lt;script&gt;"))
        let junit = try ReportFormat.junit.render(report)
        #expect(!junit.contains("<script>") && junit.contains("&lt;/details&gt;"))
        let annotations = GitHubActions.annotations(report)
        #expect(annotations.count == 2, "one summary, then the regression")
        #expect(annotations.first?.hasPrefix("::error title=perfgate::FAIL: 1 regressed, 1 unchanged — 1 problem(s)") == true)
        for line in annotations {
            #expect(!line.dropFirst(2).contains("\n"), "one workflow command per line")
        }
        #expect(annotations.last?.hasPrefix("::error title=perfgate regression::") == true)
    }

    /// GitHub shows ten annotations per step: fifteen regressions and a missing benchmark give one
    /// summary annotation and the ten worst (the missing benchmark first, then the largest
    /// regressions); the outputs count the missing benchmark and say the verdict in one word.
    @Test func annotationsAreOneSummaryAndTheTenWorst() throws {
        var comparisons: [MetricComparison] = []
        for i in 0..<15 {
            var c = Self.report(benchmark: "b\(i)").comparisons[0]
            c.change = 0.1 + Double(i) / 100
            comparisons.append(c)
        }
        let report = GateReport(
            mode: .storedBaseline, baselineSource: "b", currentSource: "c", baselineCommit: nil, currentCommit: nil, scenario: "ci",
            profile: "p", comparisons: comparisons, targets: [], notes: [], alpha: 0.01, missingBenchmarks: ["gone"])
        let annotations = GitHubActions.annotations(report)
        #expect(annotations.count == 11)
        #expect(annotations[0].contains("FAIL: 15 regressed, 1 benchmark(s) missing"))
        #expect(annotations[0].contains("16 problem(s), the 10 worst annotated; the job summary lists them all"))
        #expect(annotations[1].hasPrefix("::error title=perfgate benchmark missing::gone is in the baseline but did not run"))
        #expect(annotations[2].contains("b14 p99"), "the largest regression next")
        #expect(!annotations.contains { $0.contains("b4 p99") }, "the smallest ones are left to the summary")
        let outputs = GitHubActions.outputs(report, exitCode: .failed, reportPaths: [:])
        #expect(outputs["missing"] == "1" && outputs["verdict"] == "regression")
        let none = GateReport(
            mode: .storedBaseline, baselineSource: "b", currentSource: "c", baselineCommit: nil, currentCommit: nil, scenario: "ci",
            profile: "p", comparisons: [], targets: [], notes: [], alpha: 0.01, hasBaseline: false)
        #expect(GitHubActions.outputs(none, exitCode: .noBaseline, reportPaths: [:])["verdict"] == "no-baseline")
    }

    @Test func reportsLeadWithTheVerdictAndTheFailure() throws {
        let report = Self.report(benchmark: "wal.append.single/64B/sync=none")
        let terminal = try ReportFormat.terminal.render(report)
        #expect(terminal.hasSuffix("FAIL: 1 regressed, 1 unchanged\n"))
        #expect(terminal.contains("wal.append.single/64B/sync=none p99: +30.0 % [+20.0 %, +40.0 %], p=0.0002 (corrected), tolerance 5.0 %"))
        let markdown = try ReportFormat.markdown.render(report)
        #expect(markdown.hasPrefix("## ❌ perfgate: FAIL"))
        let json = try ReportFormat.json.render(report)
        let path = NSTemporaryDirectory() + "perfgate-report-\(UUID().uuidString.prefix(6)).json"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try json.write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try GateReport.load(path: path).comparisons == report.comparisons, "JSON reports round-trip")
        let outputs = GitHubActions.outputs(report, exitCode: .failed, reportPaths: ["html": "/r/report.html"])
        #expect(outputs["verdict"] == "regression" && outputs["regressed"] == "1" && outputs["report-path"] == "/r/report.html")
    }
}
