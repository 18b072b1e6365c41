import Foundation
import PerfgateSupport
import PerfgateTestSupport
import Testing

@testable import PerfgateCore

/// What a reader sees in each report format: the Markdown leads with what decides the build and
/// fits a GitHub comment for any suite size; the terminal lists a regression once and labels the
/// estimate it judged; the HTML draws every round of every gated metric with labelled axes.
@Suite struct ReportViewTests {
    /// A stored-baseline report like the ci scenario's with real regressions: `benchmarks`
    /// benchmarks of 8 metrics (p50 and p99 gated, the rest reported only), every 9th slowed by
    /// 30 %, names as long as the suite's.
    static func report(benchmarks: Int, paired: Bool = false) -> GateReport {
        var rng = SplitMix64(seed: 7)
        var base: [String: [Metric]] = [:]
        var current: [String: [Metric]] = [:]
        for b in 0..<benchmarks {
            let id = "wal.append.single/\(["64B", "1KB", "64KB"][b % 3])/sync=group-\(b)"
            let factor = b % 9 == 0 ? 1.3 : 1.0
            let names = ["p50", "p90", "p99", "p99.9", "max", "mean", "throughput", "fdatasync_per_msg"]
            base[id] = names.map { name in
                Metric(
                    name: name, unit: name == "throughput" ? "msg/s" : "ns",
                    direction: name == "throughput" ? .higherIsBetter : .lowerIsBetter,
                    samples: ResultFixtures.noisy(name == "throughput" ? 2e6 : 1500, cv: 0.02, n: 20, rng: &rng))
            }
            current[id] = names.map { name in
                let isThroughput = name == "throughput"
                return Metric(
                    name: name, unit: isThroughput ? "msg/s" : "ns", direction: isThroughput ? .higherIsBetter : .lowerIsBetter,
                    samples: ResultFixtures.noisy(isThroughput ? 2e6 / factor : 1500 * factor, cv: 0.02, n: 20, rng: &rng))
            }
        }
        var configuration = GateConfiguration()
        configuration.gate.metrics = ["p50", "p99", "throughput"]
        configuration.gate.bootstrapResamples = 200
        let baseline = ResultFixtures.result(base, operations: 100_000)
        let run = ResultFixtures.result(current, operations: 100_000)
        if paired {
            return PairedAnalysis(configuration: configuration).compare(base: baseline, head: run, baseSource: "base", headSource: "head")
        }
        return Comparator(configuration: configuration).compare(baseline: baseline, current: run, baselineSource: "b", currentSource: "c")
    }

    /// The Markdown of a ci-sized run with real regressions fits a GitHub comment whole; a suite
    /// ten times larger is cut to fit, table rows first, and says where the rest is.
    @Test func markdownLeadsWithTheVerdictAndFitsAComment() throws {
        let ci = Self.report(benchmarks: 46)
        #expect(ci.count(.regressed) > 0)
        let markdown = MarkdownRenderer(links: ReportLinks(runURL: "https://github.com/o/r/actions/runs/1")).render(ci)
        #expect(markdown.utf8.count <= MarkdownRenderer.limit)
        #expect(!markdown.contains("more gated rows") && !markdown.contains("more not-gated rows"), "the ci scenario fits whole")
        let failed = try #require(markdown.range(of: "### What failed"))
        let folded = try #require(markdown.range(of: "<details>"))
        #expect(failed.lowerBound < folded.lowerBound, "what decides the build comes before anything folded")
        #expect(markdown.contains("not gated (reported only"), "the reported-only metrics are folded on their own")
        #expect(markdown.contains("| rounds |"), "sample counts are a column")
        #expect(markdown.contains("| 20/20 |"))
        #expect(markdown.contains("(https://github.com/o/r/actions/runs/1)"), "links the run holding the HTML report")
        // Each table row has as many cells as the header.
        for line in markdown.split(separator: "\n") where line.hasPrefix("| ") && !line.hasPrefix("| verdict") {
            #expect(line.components(separatedBy: " | ").count == MetricComparison.tableHeader(.storedBaseline).count, "\(line)")
        }

        let huge = Self.report(benchmarks: 250)
        let cut = MarkdownRenderer().render(huge)
        #expect(cut.utf8.count <= MarkdownRenderer.limit, "\(cut.utf8.count) bytes")
        #expect(cut.contains("more not-gated rows: see the HTML or JSON report"))
        #expect(cut.hasPrefix("## ❌ perfgate: FAIL"))
        #expect(cut.contains("</details>"), "a cut table still closes its fold")
        // A tiny budget still yields a valid, closed document that says it was cut.
        let tiny = MarkdownRenderer(budget: 4_000).render(huge)
        #expect(tiny.utf8.count <= 4_000)
        #expect(tiny.contains("more regressions") || tiny.contains("cut to fit"))
    }

    /// The terminal lists each regression once (with its explanation, not also as a table row),
    /// leaves the MDE out next to a decided change, and words a change of several times as a factor.
    @Test func terminalListsARegressionOnceAndWordsLargeChangesAsFactors() throws {
        let report = Self.report(benchmarks: 10)
        let text = TerminalRenderer(colour: false, verbose: true).render(report)
        let regressed = try #require(report.comparisons.first { $0.verdict == .regressed })
        #expect(text.components(separatedBy: "\(regressed.benchmark) \(regressed.metric):").count == 2, "explained once")
        #expect(!text.contains("\nregressed  "), "no regressed rows in the table")
        #expect(text.contains("regressions ("))
        let row = regressed.tableCells(.storedBaseline)
        #expect(row[8] == "–", "no MDE next to a regression")
        var skewed = regressed
        skewed.change = 1.76
        skewed.intervalLow = 1.03
        skewed.intervalHigh = 16.63
        #expect(skewed.tableCells(.storedBaseline)[5] == "2.76×")
        #expect(skewed.tableCells(.storedBaseline)[6] == "[2.03×, 18×]")
        #expect(skewed.explanation.contains("2.76× (+176.0 %) [2.03×, 18×]"))
        #expect(Format.change(0.05) == "+5.0 %" && Format.change(-0.5) == "-50.0 %")
    }

    /// In paired mode the head column is the level the paired estimate implies, labelled so, not a
    /// median that contradicts the change printed next to it.
    @Test func pairedTablesPrintTheEstimateTheyJudged() throws {
        var c = MetricComparison(
            benchmark: "b", metric: "p99", unit: "ns", direction: .lowerIsBetter, kind: .timing, baselineMedian: 3180,
            currentMedian: 16_350, change: 1.127, intervalLow: 0.9, intervalHigh: 1.4, baselineSamples: 32, currentSamples: 32,
            tolerance: 0.03, verdict: .regressed)
        c.gating = .gated
        let header = MetricComparison.tableHeader(.paired)
        #expect(header[4] == "head (paired est.)" && header[5] == "paired change" && header[9] == "pairs")
        let cells = c.tableCells(.paired)
        #expect(cells[3] == "3.18 µs" && cells[4] == "6.76 µs" && cells[5] == "2.13×" && cells[9] == "32")
        #expect(c.tableCells(.storedBaseline)[4] == "16.35 µs")
        let report = Self.report(benchmarks: 4, paired: true)
        #expect(TerminalRenderer(colour: false, verbose: true).render(report).contains("paired change: geometric mean of the per-pair"))
    }

    /// Every gated metric gets a per-round chart with both sides' rounds, and every chart has a
    /// value axis labelled with its unit; the table writes a shared reason once.
    @Test func htmlDrawsEveryRoundWithLabelledAxes() throws {
        let report = Self.report(benchmarks: 6)
        let html = HTMLRenderer(links: ReportLinks(historyURL: "https://o.github.io/r/perf")).render(report)
        let gated = report.comparisons.filter { $0.isGated }
        #expect(html.components(separatedBy: "<svg class=\"chart rounds\"").count - 1 == gated.count)
        let c = try #require(gated.first)
        let rounds = try #require(c.rounds)
        #expect(rounds.baseline.count == 20 && rounds.current.count == 20)
        #expect(html.components(separatedBy: "<circle class=\"round\"").count - 1 == gated.count * 40)
        let charts = html.components(separatedBy: "<svg class=\"chart").count - 1
        #expect(charts == gated.count + 1, "the rounds charts and the interval chart")
        #expect(html.components(separatedBy: "class=\"axis value-axis\"").count - 1 == charts, "one value axis per chart")
        #expect(html.contains("<text class=\"axis-label\"") && html.contains("p99 (µs)") && html.contains("throughput (M msg/s)"))
        #expect(html.contains("worse →") && html.contains("change toward worse (%)"))
        #expect(html.contains("href=\"https://o.github.io/r/perf/wal.append.single.html#m-"), "links each metric to its history")
        let reason = "reported only (not in gate.metrics)"
        #expect(html.components(separatedBy: reason).count - 1 == 1, "a shared reason is written once")
        #expect(html.contains("<dt>rounds per side</dt><dd>baseline 20, current 20</dd>"))
        #expect(html.contains("<dt>drift allowance</dt>"))
        #expect(!html.contains("<script>alert"))
    }

    /// Axis ticks fall on round numbers in a readable unit, and a flat series is not stretched.
    @Test func chartScalesPickRoundTicksAndUnits() {
        let latency = ChartScale(values: [1000, 1500], unit: "ns")
        #expect(latency.unitLabel == "µs" && latency.ticks.map(latency.label) == ["1.0", "1.1", "1.2", "1.3", "1.4", "1.5"])
        let throughput = ChartScale(values: [2.0e6, 2.2e6], unit: "msg/s")
        let labels = throughput.ticks.map(throughput.label)
        #expect(throughput.unitLabel == "M msg/s" && labels.first == "2.00" && labels.last == "2.20")
        let flat = ChartScale(values: [100, 101, 102], unit: "ns", minimumRelativeSpan: 0.2)
        #expect(flat.low <= 91 && flat.high >= 111, "±2 % on an axis of at least ±10 %")
    }
}
