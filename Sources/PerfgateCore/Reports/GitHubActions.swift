import Foundation

/// GitHub workflow commands and step outputs.
public enum GitHubActions {
    /// The most annotations of each kind: GitHub shows ten per step, so more would hide the summary.
    public static let annotationLimit = 10

    /// One summary `::error::` when the build fails (the headline, and how many problems there are),
    /// then the ten worst problems — missing benchmarks, failed targets, regressions largest first —
    /// and up to ten `::warning::` lines for warned or at-risk targets. The job summary lists everything.
    public static func annotations(_ report: GateReport) -> [String] {
        var problems: [String] = report.missingBenchmarks.map {
            "::error title=perfgate benchmark missing::\(escape("\($0) is in the baseline but did not run: " + GateReport.missingAdvice))"
        }
        problems += report.failedTargets.map { "::error title=perfgate target failed::\(escape($0.explanation))" }
        problems += report.sortedComparisons.filter { $0.verdict == .regressed }.map {
            "::error title=perfgate regression::\(escape($0.explanation))"
        }
        var lines: [String] = []
        if !problems.isEmpty {
            let shown = min(problems.count, annotationLimit)
            let more = problems.count > shown ? ", the \(shown) worst annotated; the job summary lists them all" : ""
            lines.append("::error title=perfgate::\(escape(report.headline + " — \(problems.count) problem(s)" + more))")
            lines += problems.prefix(shown)
        }
        lines += report.warnedTargets.prefix(annotationLimit).map { "::warning title=perfgate target::\(escape($0.explanation))" }
        return lines
    }

    /// Workflow-command data escaping (%, CR, LF).
    public static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\r", with: "%0D").replacingOccurrences(
            of: "\n", with: "%0A")
    }

    /// The `verdict` output: the outcome as one word a workflow can compare (`pass`, `regression`,
    /// `inconclusive`, `no-baseline`, `unconfirmed`).
    public static func verdict(_ outcome: GateReport.Outcome) -> String { outcome.rawValue.replacingOccurrences(of: " ", with: "-") }

    /// Step outputs: verdict, counts, exit code and report paths.
    public static func outputs(_ report: GateReport, exitCode: ExitStatus, reportPaths: [String: String]) -> [String: String] {
        var outputs: [String: String] = [
            "verdict": verdict(report.outcome),
            "missing": "\(report.missingBenchmarks.count)",
            "regressed": "\(report.count(.regressed))",
            "improved": "\(report.count(.improved))",
            "inconclusive": "\(report.count(.inconclusive))",
            "unchanged": "\(report.count(.unchanged))",
            "failed-targets": "\(report.failedTargets.count)",
            "exit-code": "\(exitCode.rawValue)",
        ]
        for (format, path) in reportPaths { outputs["\(format)-report"] = path }
        if let first = reportPaths["html"] ?? reportPaths.values.first { outputs["report-path"] = first }
        return outputs
    }

    /// Appends `name=value` lines to the file at `$GITHUB_OUTPUT` (and the summary to `$GITHUB_STEP_SUMMARY`).
    public static func write(
        outputs: [String: String], summary: String?, environment: [String: String] = ProcessInfo.processInfo.environment
    ) {
        if let path = environment["GITHUB_OUTPUT"], !path.isEmpty {
            append(outputs.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)\n" }.joined(), to: path)
        }
        if let summary, let path = environment["GITHUB_STEP_SUMMARY"], !path.isEmpty { append(summary, to: path) }
    }

    private static func append(_ text: String, to path: String) {
        if !FileManager.default.fileExists(atPath: path) { FileManager.default.createFile(atPath: path, contents: nil) }
        guard let handle = FileHandle(forWritingAtPath: path) else { return }
        handle.seekToEndOfFile()
        handle.write(Data(text.utf8))
        handle.closeFile()
    }
}
