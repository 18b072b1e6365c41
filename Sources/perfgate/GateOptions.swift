import ArgumentParser
import Foundation
import PerfgateCore
import PerfgateSession
import WALBenchmarks

/// Options shared by `compare` and `check`: policy, configuration and report output. Checked in
/// `validate()`, before anything is measured.
struct GateOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The gate configuration and targets (default: perfgate.json at the repository root).", valueName: "file"))
    var config: String?

    @Option(help: ArgumentHelp("Default tolerance as a fraction in [0, 1) (0.05 = 5 %), overriding perfgate.json.", valueName: "fraction"))
    var tolerance: Double?

    @Option(help: ArgumentHelp("Machine profile of the baseline (default: the current run's).", valueName: "name"))
    var profile: String?

    @Option(help: "Report format.")
    var format: ReportFormat = .terminal

    @Option(help: ArgumentHelp("Write the report to this file instead of standard output.", valueName: "file"))
    var output: String?

    @Option(
        help: ArgumentHelp("Also write every report format into this directory (report.txt, .md, .html, .json, .xml).", valueName: "dir"))
    var reportDir: String?

    @Option(
        help: ArgumentHelp(
            "With --report-dir: which formats to write, comma-separated, from "
                + "\(ReportFormat.allCases.map(\.rawValue).joined(separator: ", ")).", valueName: "list"))
    var reportFormats: String = ReportFormat.allCases.map(\.rawValue).joined(separator: ",")

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

    @Flag(help: "Compare a baseline and a run of different scenarios (their volumes and rounds differ, so their figures do too).")
    var allowCrossScenario = false

    /// The gate's policy, as the session reads it.
    var policy: GatePolicy {
        var policy = GatePolicy(configPath: config, tolerance: tolerance, profile: profile)
        policy.strict = strict
        policy.failOnImprovement = failOnImprovement
        policy.allowMissingBaseline = allowMissingBaseline
        policy.allowCrossMachine = allowCrossMachine
        policy.allowCrossScenario = allowCrossScenario
        return policy
    }

    /// A gate session for this repository and process, with the suite's benchmarks and metrics known.
    func session() -> GateSession {
        GateSession(
            policy: policy, repository: try? GitRecording.repository(), environment: .current(),
            knownBenchmarks: BenchmarkCatalog.allIDs, knownMetrics: BenchmarkCatalog.allMetricNames)
    }

    /// Renders and writes `report` as asked, then exits with the status it earns.
    func emit(_ report: GateReport, session: GateSession) throws {
        let delivery = ReportDelivery(
            format: format, output: output, directory: reportDir, directoryFormats: reportDirFormats,
            colour: Terminal.stdoutIsTerminal, verbose: verbose, generator: BuildInfo.versionLine)
        let status = try delivery.deliver(report, session: session, print: { print($0, terminator: "") }, note: Terminal.note)
        if status != .pass { throw ExitCode(status.rawValue) }
    }

    /// The formats `--report-dir` writes.
    var reportDirFormats: [ReportFormat] {
        (try? ReportFormat.list(reportFormats, flag: "--report-formats")) ?? ReportFormat.allCases
    }

    func validate() throws {
        if let tolerance, !(tolerance >= 0 && tolerance < 1) {
            throw ValidationError("--tolerance \(tolerance) is not a fraction in [0, 1); write 5 % as 0.05")
        }
        try usageCheck { _ = try ReportFormat.list(reportFormats, flag: "--report-formats") }
        if let profile { try usageCheck { try BaselineStore.checkProfileName(profile, flag: "--profile") } }
    }
}
