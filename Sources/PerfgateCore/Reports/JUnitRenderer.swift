/// JUnit XML for other CI systems: each gated metric and each target is a test case; failures
/// carry the one-line explanation. An inconclusive metric and a target that only warns are
/// *skipped* with a message (a plain pass would hide them from CI test viewers), and a warning
/// also carries a `warning` property.
public struct JUnitRenderer {
    /// A renderer.
    public init() {}

    static func xml(_ text: String) -> String {
        var out = ""
        for c in text.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default:
                if c.value < 0x20 && c != "\n" && c != "\t" { continue }
                out.unicodeScalars.append(c)
            }
        }
        return out
    }

    /// JUnit XML: one test case per gated metric and target; regressions, failed targets and missing
    /// benchmarks as failures, inconclusive metrics and warning targets as skipped.
    public func render(_ report: GateReport) -> String {
        let gated = report.sortedComparisons.filter { $0.verdict != .notGated && $0.verdict != .unavailable }
        var cases: [String] = []
        var skipped = 0
        for c in gated {
            var body = ""
            if c.verdict == .regressed {
                body = "<failure message=\"\(Self.xml(c.explanation))\" type=\"regression\">\(Self.xml(c.explanation))</failure>"
            } else if c.verdict == .inconclusive {
                body = "<skipped message=\"\(Self.xml("inconclusive: " + c.explanation))\"/>"
                skipped += 1
            }
            cases.append("    <testcase classname=\"\(Self.xml(c.benchmark))\" name=\"\(Self.xml(c.metric))\">\(body)</testcase>")
        }
        let failing = report.failedTargets
        let warned = report.warnedTargets
        for t in report.targets where t.status != .notMeasured {
            var body = ""
            if failing.contains(t) {
                body = "<failure message=\"\(Self.xml(t.explanation))\" type=\"target\">\(Self.xml(t.explanation))</failure>"
            } else if warned.contains(t) {
                let warning = Self.xml("warning: " + t.explanation)
                body = "<properties><property name=\"warning\" value=\"\(warning)\"/></properties><skipped message=\"\(warning)\"/>"
                skipped += 1
            }
            cases.append("    <testcase classname=\"targets\" name=\"\(Self.xml(t.name)) (\(Self.xml(t.benchmark)))\">\(body)</testcase>")
        }
        for id in report.missingBenchmarks {
            let message = Self.xml("\(id) is in the baseline but did not run: " + GateReport.missingAdvice)
            cases.append(
                "    <testcase classname=\"\(Self.xml(id))\" name=\"present\"><failure message=\"\(message)\" type=\"missing\">"
                    + "\(message)</failure></testcase>")
        }
        let failures = report.count(.regressed) + report.failedTargets.count + report.missingBenchmarks.count
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <testsuites name="perfgate" tests="\(cases.count)" failures="\(failures)" skipped="\(skipped)">
              <testsuite name="perfgate.\(Self.xml(report.scenario))" tests="\(cases.count)" failures="\(failures)" skipped="\(skipped)">
            \(cases.joined(separator: "\n"))
              </testsuite>
            </testsuites>

            """
    }
}
