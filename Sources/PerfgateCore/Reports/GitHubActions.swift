import Foundation

/// GitHub workflow commands and step outputs.
public enum GitHubActions {
    /// `::error::` for regressions and failed targets, `::warning::` for warned or at-risk targets.
    public static func annotations(_ report: GateReport) -> [String] {
        var lines: [String] = []
        for c in report.sortedComparisons where c.verdict == .regressed {
            lines.append("::error title=perfgate regression::\(escape(c.explanation))")
        }
        for t in report.failedTargets { lines.append("::error title=perfgate target failed::\(escape(t.explanation))") }
        for t in report.warnedTargets { lines.append("::warning title=perfgate target::\(escape(t.explanation))") }
        return lines
    }

    /// Workflow-command data escaping (%, CR, LF).
    public static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\r", with: "%0D").replacingOccurrences(
            of: "\n", with: "%0A")
    }

    /// Step outputs: verdict, counts, exit code and report paths.
    public static func outputs(_ report: GateReport, exitCode: ExitStatus, reportPaths: [String: String]) -> [String: String] {
        var outputs: [String: String] = [
            "verdict": report.outcome.rawValue,
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
