import Foundation
import PerfgateCore
import PerfgateGit

/// Renders the history dashboard of a repository (`perfgate report --history`): reads the
/// first-parent history of a ref with its notes, the configuration and committed baseline at that
/// ref, renders the site and writes it into a directory.
public enum DashboardBuilder {
    /// Where the cache of digested notes lives (``HistoryCache``).
    public enum CacheChoice: Sendable {
        /// Inside the git directory (``HistoryCache/defaultPath(gitDirectory:scenario:)``).
        case standard
        case file(String)
        /// Decode every note afresh and keep nothing.
        case none
    }

    /// The site for `scenario` (on `profile`, or the newest run's) along `ref`'s first-parent
    /// history, `limit` commits deep.
    /// - Throws: ``PerfgateError``: environment when git cannot read the history, bad input when
    ///   the configuration or baseline at `ref` is bad.
    public static func build(
        session: GateSession, ref: String, limit: Int, scenario: String, profile: String?, budgetSeconds: Double, generator: String?,
        cache cacheChoice: CacheChoice = .standard
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
        let cachePath: String? =
            switch cacheChoice {
            case .standard: HistoryCache.defaultPath(gitDirectory: repository.gitDirectory, scenario: scenario)
            case .file(let path): path
            case .none: nil
            }
        var (cache, cacheProblem) =
            cachePath.map { HistoryCache.read(path: $0, scenario: scenario) } ?? (HistoryCache(scenario: scenario), nil)
        let loaded = try HistoryLoader.loadDigest(repository: repository, ref: ref, limit: limit, scenario: scenario, cache: &cache)
        let digest = loaded.digest
        // About the cache, for whoever runs the command (not for the pages' readers).
        var cacheNotes = cacheProblem.map { ["history cache: \($0)"] } ?? []
        if let cachePath, loaded.decoded > 0 || cacheProblem != nil {
            do { try cache.write(to: cachePath) } catch { cacheNotes.append("history cache not saved: \(error)") }
        }
        let recorded = digest.recordedScenarios
        if !recorded.isEmpty && !recorded.contains(scenario) {
            throw PerfgateError(
                .usage,
                "--scenario \(scenario): no run of it is recorded along \(ref); recorded scenarios: "
                    + recorded.sorted().joined(separator: ", "))
        }
        // The newest run of the scenario on the charted profile, whole, for the verdicts.
        let chosen = profile ?? digest.newestProfile
        var newest: ResultFile?
        if let index = digest.newestRecorded(profile: chosen), let blob = loaded.blobs[index] {
            let commit = digest.entries[index].commit
            newest = try ResultFile.latest(
                of: try HistoryLoader.results(of: blob, commit: commit, repository: repository).filter { $0.run.machine.profile == chosen },
                scenario: scenario, source: "git note on \(commit.prefix(12))")
        }
        let readSeconds = Date().timeIntervalSince(reading)
        let configuration = try session.configuration(base: at)
        var dashboard = HistoryDashboard(
            digest: digest, newestRun: newest, profile: profile, configuration: configuration, generator: generator,
            changeBudgetSeconds: budgetSeconds)
        // The baseline of the profile the dashboard charts, as committed at `ref`.
        if let chosen = dashboard.chartedProfile,
            let (data, source) = try session.readRepositoryFile(BaselineStore.relativePath(profile: chosen, scenario: scenario), base: at)
        {
            dashboard.baseline = try ResultFile.decode(data, source: source)
        }
        var site = dashboard.render()
        site.warnings += cacheNotes
        site.timings.insert(("read notes (\(loaded.cached) from the cache, \(loaded.decoded) decoded)", readSeconds), at: 0)
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
