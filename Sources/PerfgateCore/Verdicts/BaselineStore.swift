import Foundation

/// Baselines committed to the repository: `baselines/<profile>/<scenario>.json`, each a result
/// file with the commit it came from, the machine fingerprint, the date and the reason it was accepted.
public struct BaselineStore: Sendable {
    /// The repository root (baselines/ lives below it).
    public var root: String

    /// The baselines of the repository at `root`.
    public init(root: String) { self.root = root }

    /// The `baselines` folder of the repository.
    public var directory: String { (root.hasSuffix("/") ? root : root + "/") + "baselines" }

    /// `baselines/<profile>/<scenario>.json`, relative to the root.
    public static func relativePath(profile: String, scenario: String) -> String {
        "baselines/\(profile)/\(scenario).json"
    }

    /// Where the baseline of `profile` and `scenario` lives.
    public func path(profile: String, scenario: String) -> String {
        (root.hasSuffix("/") ? root : root + "/") + Self.relativePath(profile: profile, scenario: scenario)
    }

    /// Writes `result` as the baseline of its profile and scenario, atomically, stamped with `reason`.
    @discardableResult
    public func update(from result: ResultFile, reason: String, profile: String? = nil) throws -> String {
        guard !result.run.dirty else {
            throw PerfgateError(
                .usage,
                "this result was measured with uncommitted changes; a baseline must come from a commit. "
                    + "Commit, rerun, then update the baseline")
        }
        if result.run.buildConfiguration == "debug" {
            throw PerfgateError(
                .usage,
                "this result comes from a debug build; baselines must be measured in release "
                    + "(swift build -c release, then perfgate run)")
        }
        let profile = profile ?? result.run.machine.profile
        try Self.checkProfileName(profile, flag: "--profile")
        try Self.checkProfileName(result.run.scenario, flag: "the result's run.scenario")
        var baseline = result
        baseline.baselineReason = reason
        let target = path(profile: profile, scenario: result.run.scenario)
        try baseline.write(to: target)
        return target
    }

    /// Removes `benchmarks` (exact ids) from the `scenario` baselines of every profile, or of
    /// `profile` only, rewriting each file that held one atomically and adding `reason` to its
    /// baseline reason: the way to retire a benchmark the suite no longer runs without
    /// re-measuring, so that the gate stops expecting it (a benchmark the baseline holds and a run
    /// leaves out fails the build). Returns each rewritten file with the ids it dropped.
    /// - Throws: ``PerfgateError`` (usage) when no baseline of the scenario holds one of the ids,
    ///   naming it and the baselines searched.
    @discardableResult
    public func retire(_ benchmarks: [String], scenario: String, profile: String? = nil, reason: String) throws -> [(
        path: String, removed: [String]
    )] {
        try Self.checkProfileName(scenario, flag: "--scenario")
        if let profile { try Self.checkProfileName(profile, flag: "--profile") }
        let files = list().filter { $0.scenario == scenario && (profile == nil || $0.profile == profile) }
        guard !files.isEmpty else {
            throw PerfgateError(
                .usage,
                "no baseline of scenario \(scenario)\(profile.map { " for profile \($0)" } ?? "") under \(directory): "
                    + "check --scenario and --profile (`perfgate baseline show` lists what exists)")
        }
        // Every file is read and every id checked before anything is written.
        var changed: [(path: String, baseline: ResultFile, removed: [String])] = []
        for file in files {
            let path = path(profile: file.profile, scenario: file.scenario)
            var baseline = try ResultFile.load(path: path)
            let removed = baseline.benchmarks.map(\.id).filter(benchmarks.contains)
            guard !removed.isEmpty else { continue }
            baseline.benchmarks.removeAll { removed.contains($0.id) }
            baseline.baselineReason = [baseline.baselineReason, "retired \(removed.joined(separator: ", ")): \(reason)"]
                .compactMap { $0 }.joined(separator: "; ")
            changed.append((path, baseline, removed))
        }
        let found = Set(changed.flatMap(\.removed))
        if let unknown = benchmarks.first(where: { !found.contains($0) }) {
            throw PerfgateError(
                .usage,
                "benchmark '\(unknown)' is in no \(scenario) baseline (searched "
                    + files.map { "\($0.profile)/\($0.scenario).json" }.joined(separator: ", ")
                    + "): give its exact id as the baseline file spells it (its \"id\" fields); nothing was changed")
        }
        for file in changed { try file.baseline.write(to: file.path) }
        let rewritten = changed.map { (path: $0.path, removed: $0.removed) }
        return rewritten
    }

    /// Profiles and scenarios name a folder and a file under `baselines/`: a name, never a path.
    /// Letters, digits, `.`, `_` and `-`, not starting with a dot.
    public static func checkProfileName(_ name: String, flag: String) throws {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
        guard !name.isEmpty, !name.hasPrefix("."), name.allSatisfy({ allowed.contains($0) }) else {
            throw PerfgateError(
                .usage,
                "\(flag) '\(name)' is not a name: profiles and scenarios name a folder and a file under "
                    + "baselines/, so use letters, digits, '.', '_' and '-' (not starting with '.'), e.g. x86_64-amd-epyc-2c")
        }
    }

    /// The available baselines, as (profile, scenario) pairs.
    public func list() -> [(profile: String, scenario: String)] {
        let profiles = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return profiles.sorted().flatMap { profile in
            ((try? FileManager.default.contentsOfDirectory(atPath: directory + "/" + profile)) ?? [])
                .filter { $0.hasSuffix(".json") }.sorted().map { (profile, String($0.dropLast(5))) }
        }
    }
}
