import ArgumentParser
import Foundation
import PerfgateCore
import PerfgateSession
import WALBenchmarks

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Render a stored comparison in another format, or the history dashboard.",
        discussion: """
            perfgate report REPORT.json --format html --output report.html
                re-renders a report written by `compare --format json` (or `--report-dir`).
            perfgate report --history --output site/
                renders a static site from refs/notes/perfgate: an index of every benchmark with a sparkline, its
                newest value, its verdict against the committed baseline and its latest change point, and one page per
                benchmark family charting every metric over the first-parent commits. Publish the directory (e.g. with
                GitHub Pages) and set report.historyURL in perfgate.json so that reports link to it.
            """)

    @Argument(help: "A report written by `perfgate compare --format json --output FILE` (not with --history).")
    var input: String?

    @Option(help: "Output format: \(ReportFormat.allCases.map(\.rawValue).joined(separator: ", ")) (not with --history).")
    var format = "terminal"

    @Option(help: "Write to this file instead of standard output; with --history, the directory of the site (required).")
    var output: String?

    @Flag(help: "Render the history dashboard from refs/notes/perfgate into --output DIR.")
    var history = false

    @Option(help: "With --history: where to walk first-parent history from.")
    var ref = "HEAD"

    @Option(help: "With --history: how many commits to walk (default: the whole history).")
    var limit: Int?

    @Option(help: "With --history: the scenario to chart (any recorded scenario name).")
    var scenario = "ci"

    @Option(help: "With --history: the machine profile to chart (default: the profile of the newest run of the scenario).")
    var profile: String?

    @Option(help: "With --history: seconds of change-point analysis before the remaining series are left out (and said to be).")
    var budget = 30.0

    @Option(
        help: ArgumentHelp(
            "With --history: the cache of digested notes (default: perfgate/history-<scenario>.cache in the git directory).",
            discussion: "Each note is decoded once and kept here by its blob id; a CI job keeps the file between runs with a "
                + "cache step. Damaged or foreign files are rebuilt.",
            valueName: "file"))
    var cache: String?

    @Flag(help: "With --history: decode every note afresh and write no cache.")
    var noCache = false

    func validate() throws {
        if history {
            if input != nil {
                throw ValidationError("--history renders the recorded history, not a report file: leave out '\(input!)'")
            }
            guard let output, !output.isEmpty else {
                throw ValidationError("--history needs --output DIR, the directory to write the site into")
            }
            if let limit, limit < 1 { throw ValidationError("--limit \(limit): walk at least 1 commit (or leave it out for all)") }
            guard budget > 0 else { throw ValidationError("--budget \(budget): give the analysis some seconds, e.g. 30") }
            if noCache && cache != nil { throw ValidationError("--no-cache and --cache \(cache!): choose one") }
            if let profile { try usageCheck { try BaselineStore.checkProfileName(profile, flag: "--profile") } }
        } else if input == nil {
            throw ValidationError("name a report file (written by `perfgate compare --format json`), or pass --history --output DIR")
        } else if cache != nil || noCache {
            throw ValidationError("--cache and --no-cache belong to --history (the dashboard's cache of notes); leave them out here")
        }
    }

    func run() throws {
        try withExitCodes {
            if history {
                let started = Date()
                let session = GateSession(
                    policy: GatePolicy(), repository: try? GitRecording.repository(), environment: .current(),
                    knownBenchmarks: BenchmarkCatalog.allIDs, knownMetrics: BenchmarkCatalog.allMetricNames)
                let site = try DashboardBuilder.build(
                    session: session, ref: ref, limit: limit ?? Int.max, scenario: scenario, profile: profile, budgetSeconds: budget,
                    generator: BuildInfo.versionLine, cache: noCache ? .none : cache.map { .file($0) } ?? .standard)
                try DashboardBuilder.write(site, to: output!)
                for warning in site.warnings { Terminal.note("note: \(warning)") }
                let elapsed = String(format: "%.1f", Date().timeIntervalSince(started))
                Terminal.note(
                    "wrote \(site.files.count) page(s) to \(output!): \(site.series) series over \(site.commits) commits "
                        + "(\(site.recordedCommits) with a \(scenario) run\(site.profile.map { " on \($0)" } ?? "")) in \(elapsed) s ("
                        + site.timings.map { "\($0.phase) \(String(format: "%.1f", $0.seconds)) s" }.joined(separator: ", ") + ")")
                return
            }
            let report = try GateReport.load(path: input!)
            guard let format = ReportFormat(rawValue: format) else {
                throw PerfgateError(
                    .usage, "unknown --format '\(format)'; use one of \(ReportFormat.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            let text = try format.render(report, colour: output == nil && Terminal.stdoutIsTerminal)
            if let output { try AtomicFile.write(Data(text.utf8), to: output) } else { print(text, terminator: "") }
        }
    }
}
