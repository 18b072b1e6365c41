import Foundation
import PerfgateCore

/// Where a gate report goes: rendered in one format to a file or standard output, every chosen
/// format into a report directory, and on GitHub Actions the annotations, step outputs and job
/// summary. Returns the exit status the report earns under the policy.
public struct ReportDelivery {
    public var format: ReportFormat
    /// A file for the report instead of standard output.
    public var output: String?
    /// A directory for every format in `directoryFormats`.
    public var directory: String?
    public var directoryFormats: [ReportFormat]
    public var colour: Bool
    public var verbose: Bool
    /// What writes the report (perfgate's version line), stamped on it for its foot.
    public var generator: String?

    /// A delivery in `format` to `output` (or standard output), and of `directoryFormats` into `directory`.
    public init(
        format: ReportFormat, output: String?, directory: String?, directoryFormats: [ReportFormat], colour: Bool, verbose: Bool,
        generator: String? = nil
    ) {
        self.format = format
        self.output = output
        self.directory = directory
        self.directoryFormats = directoryFormats
        self.colour = colour
        self.verbose = verbose
        self.generator = generator
    }

    /// Renders and writes `report`; `print` receives what goes to standard output, `note` what
    /// goes to standard error. Trend charts come from `session`'s recorded history when an HTML
    /// report is asked for.
    public func deliver(_ report: GateReport, session: GateSession, print: (String) -> Void, note: (String) -> Void) throws -> ExitStatus {
        var report = report
        if report.generator == nil { report.generator = generator }
        let status = session.policy.exitStatus(of: report)
        let wanted = directory == nil ? [] : directoryFormats
        // The dashboard's address from perfgate.json (the base's in a pull request), for links.
        let historyURL = (try? session.configuration(base: try? session.baseCommit(baseRef: nil)))?.report.historyURL
        let links = ReportLinks(runURL: session.environment.github.runURL, historyURL: historyURL)
        let history = format == .html || wanted.contains(.html) ? session.historySeries(for: report, historyURL: historyURL) : []
        let rendered = try format.render(report, colour: output == nil && colour, verbose: verbose, history: history, links: links)
        if let output {
            try AtomicFile.write(Data(rendered.utf8), to: output)
            note("wrote the \(format.rawValue) report to \(output)")
        } else {
            print(rendered)
        }
        var paths: [String: String] = [:]
        if let directory {
            for f in wanted {
                let path = directory + "/" + f.fileName
                try AtomicFile.write(Data(try f.render(report, verbose: true, history: history, links: links).utf8), to: path)
                paths[f.rawValue] = path
            }
        }
        if session.environment.isGitHubActions {
            for line in GitHubActions.annotations(report) { print(line + "\n") }
            GitHubActions.write(
                outputs: GitHubActions.outputs(report, exitCode: status, reportPaths: paths),
                summary: try ReportFormat.markdown.render(report, links: links), environment: session.environment.variables)
        }
        return status
    }
}
