import Foundation
import Testing

@testable import PerfgateCore

/// CI test viewers show what JUnit marks: an inconclusive metric and a target that only warns are
/// skipped with a message (a warning also as a property), never a silent pass.
@Suite struct JUnitRendererTests {
    @Test func inconclusiveMetricsAndWarningsAreSkippedWithAMessage() throws {
        var inconclusive = RendererTests.report(benchmark: "wal.x").comparisons[0]
        inconclusive.verdict = .inconclusive
        inconclusive.change = 0.04
        let warn = TargetResult(
            name: "single write p99", benchmark: "wal.x", metric: "p99", unit: "ns", limit: 1000, isUpperBound: true, severity: .warn,
            median: 1300, intervalLow: 1200, intervalHigh: 1400, status: .failed, baselineMedian: 900)
        var failing = warn
        failing.name = "hard limit"
        failing.severity = .fail
        let report = GateReport(
            mode: .storedBaseline, baselineSource: "b", currentSource: "c", baselineCommit: nil, currentCommit: nil, scenario: "ci",
            profile: "p", comparisons: [inconclusive], targets: [warn, failing], notes: [], alpha: 0.01)
        let junit = JUnitRenderer().render(report)
        #expect(junit.contains("tests=\"3\" failures=\"1\" skipped=\"2\""), "\(junit)")
        #expect(junit.contains("name=\"p99\"><skipped message=\"inconclusive: wal.x p99: +4.0 %"), "\(junit)")
        #expect(junit.contains("<property name=\"warning\" value=\"warning: target &quot;single write p99&quot;"))
        #expect(junit.contains("<skipped message=\"warning: target &quot;single write p99&quot;"))
        #expect(junit.contains("name=\"hard limit (wal.x)\"><failure message=\"target &quot;hard limit&quot;"))
    }
}
