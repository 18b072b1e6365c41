import Foundation

/// A history reduced to what the history dashboard reads of one scenario: per first-parent
/// commit (newest first), the runs its note holds and, on each machine profile, the run of the
/// scenario it charts, digested (``RunDigest``). A note's part (``Note``) depends on the note
/// alone, so it is cached by the note's blob id and a long history is decoded once.
public struct HistoryDigest: Sendable {
    /// One run recorded in a note: its scenario, machine profile and finish time.
    public struct RunStamp: Sendable, Hashable {
        public var scenario: String
        public var profile: String
        public var finishedAt: Date

        public init(scenario: String, profile: String, finishedAt: Date) {
            self.scenario = scenario
            self.profile = profile
            self.finishedAt = finishedAt
        }
    }

    /// The run a commit's note holds for the scenario on one profile.
    public enum Selection: Sendable, Equatable {
        /// The newest run (shards joined), digested.
        case run(RunDigest)
        /// The newest run is a sharded run with shards missing: left out, never read as whole.
        case incomplete
    }

    /// What one note holds, as the dashboard of one scenario reads it.
    public struct Note: Sendable, Equatable {
        /// Every run in the note, of any scenario.
        public var runs: [RunStamp]
        /// The scenario's run on each profile that has one.
        public var selections: [String: Selection]
        /// Note lines that are not perfgate results of this schema version.
        public var skippedLines: Int

        public init(runs: [RunStamp], selections: [String: Selection], skippedLines: Int = 0) {
            self.runs = runs
            self.selections = selections
            self.skippedLines = skippedLines
        }

        /// The note of `results` (one commit's runs) for `scenario`.
        public init(results: [ResultFile], scenario: String, skippedLines: Int = 0) {
            runs = results.map { RunStamp(scenario: $0.run.scenario, profile: $0.run.machine.profile, finishedAt: $0.run.finishedAt) }
            var selections: [String: Selection] = [:]
            for profile in Set(results.filter { $0.run.scenario == scenario }.map(\.run.machine.profile)) {
                let mine = results.filter { $0.run.machine.profile == profile }
                do {
                    if let run = try ResultFile.latest(of: mine, scenario: scenario, source: "git note") {
                        selections[profile] = .run(RunDigest(run))
                    }
                } catch {
                    selections[profile] = .incomplete
                }
            }
            self.selections = selections
            self.skippedLines = skippedLines
        }
    }

    /// One commit of the history and its note (empty when it has none).
    public struct Entry: Sendable {
        public var commit: String
        public var time: Int64
        public var summary: String
        public var note: Note

        public init(commit: String, time: Int64, summary: String, note: Note) {
            self.commit = commit
            self.time = time
            self.summary = summary
            self.note = note
        }
    }

    public var scenario: String
    /// Newest first.
    public var entries: [Entry]
    /// Things a reader should know: skipped note lines, where a shallow history ends.
    public var warnings: [String]

    public init(scenario: String, entries: [Entry], warnings: [String]) {
        self.scenario = scenario
        self.entries = entries
        self.warnings = warnings
    }

    /// The digest of a history read whole.
    public init(_ history: ResultHistory, scenario: String) {
        self.init(
            scenario: scenario,
            entries: history.entries.map {
                Entry(commit: $0.commit, time: $0.time, summary: $0.summary, note: Note(results: $0.results, scenario: scenario))
            },
            warnings: history.warnings)
    }

    /// Every scenario with a run along the history.
    public var recordedScenarios: Set<String> { Set(entries.flatMap { $0.note.runs.map(\.scenario) }) }

    /// The machine profile of the newest run of the scenario (by finish time), nil when none.
    public var newestProfile: String? {
        entries.lazy.flatMap(\.note.runs).filter { $0.scenario == scenario }.max { $0.finishedAt < $1.finishedAt }?.profile
    }

    /// The index of the newest commit with a complete run of the scenario on `profile`.
    public func newestRecorded(profile: String?) -> Int? {
        guard let profile else { return nil }
        return entries.firstIndex {
            if case .run = $0.note.selections[profile] { return true }
            return false
        }
    }
}
