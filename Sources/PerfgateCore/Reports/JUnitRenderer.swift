/// JUnit XML for other CI systems: each gated metric and each target is a test case; failures
/// carry the one-line explanation. An inconclusive metric and a target that only warns are
/// *skipped* with a message (a plain pass would hide them from CI test viewers), and a warning
/// also carries a `warning` property.
public struct JUnitRenderer {
    /// A renderer.
    public init() {}

    /// JUnit XML: one test case per gated metric and target; regressions, failed targets and missing
    /// benchmarks as failures, inconclusive metrics and warning targets as skipped.
    public func render(_ report: GateReport) -> String {
        let suite = "perfgate." + Markup.escape(report.scenario)
        let gated = report.sortedComparisons.filter { $0.verdict != .notGated && $0.verdict != .unavailable }
        var cases: [String] = []
        var skipped = 0
        for c in gated {
            var body = ""
            if c.verdict == .regressed {
                body = "<failure message=\"\(Markup.escape(c.explanation))\" type=\"regression\">\(Markup.escape(c.explanation))</failure>"
            } else if c.verdict == .inconclusive {
                body = "<skipped message=\"\(Markup.escape("inconclusive: " + c.explanation))\"/>"
                skipped += 1
            }
            cases.append("    <testcase classname=\"\(Markup.escape(c.benchmark))\" name=\"\(Markup.escape(c.metric))\">\(body)</testcase>")
        }
        let failing = report.failedTargets
        let warned = report.warnedTargets
        for t in report.targets where t.status != .notMeasured {
            var body = ""
            if failing.contains(t) {
                body = "<failure message=\"\(Markup.escape(t.explanation))\" type=\"target\">\(Markup.escape(t.explanation))</failure>"
            } else if warned.contains(t) {
                let warning = Markup.escape("warning: " + t.explanation)
                body = "<properties><property name=\"warning\" value=\"\(warning)\"/></properties><skipped message=\"\(warning)\"/>"
                skipped += 1
            }
            cases.append(
                "    <testcase classname=\"targets\" name=\"\(Markup.escape(t.name)) (\(Markup.escape(t.benchmark)))\">\(body)</testcase>")
        }
        for id in report.missingBenchmarks {
            let message = Markup.escape("\(id) is in the baseline but did not run: " + GateReport.missingAdvice)
            cases.append(
                "    <testcase classname=\"\(Markup.escape(id))\" name=\"present\"><failure message=\"\(message)\" type=\"missing\">"
                    + "\(message)</failure></testcase>")
        }
        let failures = report.count(.regressed) + report.failedTargets.count + report.missingBenchmarks.count
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <testsuites name="perfgate" tests="\(cases.count)" failures="\(failures)" skipped="\(skipped)">
              <testsuite name="\(suite)" tests="\(cases.count)" failures="\(failures)" skipped="\(skipped)">
            \(cases.joined(separator: "\n"))
              </testsuite>
            </testsuites>

            """
    }
}
