import Foundation

/// Where and how a run was made.
public struct RunMetadata: Codable, Sendable, Equatable {
    /// Unique id of this run (also used to de-duplicate runs merged from git notes).
    public var runID: String
    /// The scenario the suite ran (quick, ci, comprehensive, stress, validate), or the name of the
    /// harness for imported results.
    public var scenario: String
    /// Full commit id measured, if the run was made inside a git repository.
    public var commit: String?
    /// True when the working tree had uncommitted changes: the result then does not describe `commit`.
    public var dirty: Bool
    public var branch: String?
    public var startedAt: Date
    public var finishedAt: Date
    public var toolchain: String
    /// `release` or `debug`. Only release results are fit for gating.
    public var buildConfiguration: String
    public var machine: MachineFingerprint
    /// What produced the samples: `perfgate` for the WAL suite, else the harness (hyperfine …).
    public var source: String
    /// Rounds per benchmark the scenario asked for.
    public var rounds: Int
    /// The `--filter` globs the run selected its benchmarks with (nil: the whole scenario). A
    /// filtered run is not held to the baseline's other benchmarks; an unfiltered one is.
    public var filters: [String]?
    /// Which share of a sharded run this is (``Shard``); nil for a whole run.
    public var shard: Shard?

    /// A run's metadata; the run id defaults to a fresh UUID.
    public init(
        runID: String = UUID().uuidString.lowercased(), scenario: String, commit: String? = nil, dirty: Bool = false,
        branch: String? = nil, startedAt: Date, finishedAt: Date, toolchain: String, buildConfiguration: String,
        machine: MachineFingerprint, source: String = "perfgate", rounds: Int
    ) {
        self.runID = runID
        self.scenario = scenario
        self.commit = commit
        self.dirty = dirty
        self.branch = branch
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.toolchain = toolchain
        self.buildConfiguration = buildConfiguration
        self.machine = machine
        self.source = source
        self.rounds = rounds
    }
}
