import ArgumentParser
import Foundation
import PerfgateCore

/// Options shared by `compare` and `check`: policy, configuration and report output.
struct GateOptions: ParsableArguments {
    @Option(help: "The gate configuration and targets (default: perfgate.json at the repository root).")
    var config: String?

    @Option(help: "Default tolerance as a fraction (0.05 = 5 %), overriding perfgate.json.")
    var tolerance: Double?

    @Option(help: "Machine profile of the baseline (default: the current run's).")
    var profile: String?

    @Option(help: "Report format: \(ReportFormat.allCases.map(\.rawValue).joined(separator: ", ")).")
    var format: String = "terminal"

    @Option(help: "Write the report to this file instead of standard output.")
    var output: String?

    @Option(help: "Also write every report format into this directory (report.txt, .md, .html, .json, .xml).")
    var reportDir: String?

    @Option(help: "With --report-dir: which formats to write, comma-separated (default: all).")
    var reportFormats: String = "terminal,markdown,html,json,junit"

    @Flag(help: "List every metric in the terminal report (default: regressions, improvements, the largest inconclusive changes).")
    var verbose = false

    @Flag(help: "Exit 4 when any gated metric is inconclusive.")
    var strict = false

    @Flag(help: "Fail (exit 1) on improvements too, to force a baseline update.")
    var failOnImprovement = false

    @Flag(help: "Exit 0 instead of 3 when there is no baseline (targets are still checked).")
    var allowMissingBaseline = false

    @Flag(help: "Compare results from different machine profiles (timings then differ by more than any regression).")
    var allowCrossMachine = false

    func reportFormat() throws -> ReportFormat {
        guard let format = ReportFormat(rawValue: format) else {
            throw PerfgateError(.usage, "unknown --format '\(format)'; use one of \(ReportFormat.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return format
    }
}
