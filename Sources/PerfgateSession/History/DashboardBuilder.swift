import Foundation
import PerfgateCore
import PerfgateGit

/// Renders the history dashboard of a repository (`perfgate report --history`): reads the
/// first-parent history of a ref with its notes, the configuration and committed baseline at that
/// ref, renders the site and writes it into a directory.
public enum DashboardBuilder {
    /// The site for `scenario` (on `profile`, or the newest run's) along `ref`'s first-parent
    /// history, `limit` commits deep.
    /// - Throws: ``PerfgateError``: environment when git cannot read the history, bad input when
    ///   the configuration or baseline at `ref` is bad.
    public static func build(
        session: GateSession, ref: String, limit: Int, scenario: String, profile: String?, budgetSeconds: Double, generator: String?
    ) throws -> HistoryDashboard.Site {
        guard let repository = session.repository else {
            throw PerfgateError(.usage, "--history reads refs/notes/perfgate, so it must run inside a git repository")
        }
        let at: ObjectID
        do { at = try repository.resolve(ref) } catch {
            throw PerfgateError(
                .usage, "'\(ref)' is not a commit of this clone (\(error)); name a branch, tag or commit, e.g. HEAD or main")
        }
        let reading = Date()
        let history = try HistoryLoader.load(repository: repository, ref: ref, limit: limit)
        let readSeconds = Date().timeIntervalSince(reading)
        let recorded = Set(history.entries.flatMap { $0.results.map(\.run.scenario) })
        if !recorded.isEmpty && !recorded.contains(scenario) {
            throw PerfgateError(
                .usage,
                "--scenario \(scenario): no run of it is recorded along \(ref); recorded scenarios: "
                    + recorded.sorted().joined(separator: ", "))
        }
        let configuration = try session.configuration(base: at)
        var dashboard = HistoryDashboard(
            history: history, scenario: scenario, profile: profile, configuration: configuration, generator: generator,
            changeBudgetSeconds: budgetSeconds)
        // The baseline of the profile the dashboard charts, as committed at `ref`.
        if let chosen = dashboard.chartedProfile,
            let (data, source) = try session.readRepositoryFile(BaselineStore.relativePath(profile: chosen, scenario: scenario), base: at)
        {
            dashboard.baseline = try ResultFile.decode(data, source: source)
        }
        var site = dashboard.render()
        site.timings.insert(("read notes", readSeconds), at: 0)
        return site
    }

    /// Writes `site` into `directory` (created when missing); each file atomically.
    /// - Throws: ``PerfgateError`` (environment) when a file cannot be written.
    public static func write(_ site: HistoryDashboard.Site, to directory: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw PerfgateError(.environment, "cannot create the output directory \(directory): \(error.localizedDescription)")
        }
        for (name, contents) in site.files {
            try AtomicFile.write(Data(contents.utf8), to: (directory.hasSuffix("/") ? directory : directory + "/") + name)
        }
    }
}
