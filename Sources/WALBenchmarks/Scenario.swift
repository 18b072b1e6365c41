import KaelixWAL

/// How much the suite runs: rounds per benchmark and the size of each round's work.
public enum Scenario: String, CaseIterable, Sendable, Codable {
    /// About 2 minutes on 2 cores: every family, fewer rounds and smaller volumes.
    case quick
    /// About 2½ minutes on 2 cores, 20 rounds: what CI gates on. Twenty rounds a side is what lets a
    /// stored-baseline comparison of a hundred-odd metrics (Holm-corrected) catch a 10 % change.
    case ci
    /// About 10 minutes: the full matrix (sizes × batches × writers × sync policies), 1 GB recovery.
    case comprehensive
    /// Long: large volumes, 32 writers, multi-GB recovery.
    case stress
    /// Only what the absolute targets in perfgate.json need, with 10 rounds.
    case validate
    /// Tiny sizes and 2 rounds: used by the test suite to check every benchmark end to end.
    case smoke

    /// Rounds per benchmark: each is one fresh process, interleaved with the other benchmarks' rounds.
    public var rounds: Int {
        switch self {
        case .quick: return 5
        case .ci: return 20
        case .validate, .comprehensive: return 10
        case .stress: return 5
        case .smoke: return 2
        }
    }

    /// Bytes one throughput round writes, before the per-size caps.
    var volumeBytes: Int {
        switch self {
        case .smoke: return 256 * 1024
        case .quick: return 8 << 20
        case .ci, .validate: return 16 << 20
        case .comprehensive: return 32 << 20
        case .stress: return 48 << 20
        }
    }

    /// At least this many messages per throughput round (so 64 B rounds last long enough to time).
    var minimumMessages: Int {
        switch self {
        case .smoke: return 2_000
        case .quick: return 100_000
        case .ci, .validate: return 300_000
        case .comprehensive, .stress: return 500_000
        }
    }

    /// Appends per round under a synced policy (each costs one device flush, ~0.1-0.3 ms here).
    var syncedOperations: Int {
        switch self {
        case .smoke: return 20
        case .quick: return 150
        case .ci, .validate: return 300
        case .comprehensive: return 500
        case .stress: return 2_000
        }
    }

    /// Bytes written before the recovery benchmark's unclean stop.
    public var recoveryBytes: Int {
        switch self {
        case .smoke: return 2 << 20
        case .quick: return 32 << 20
        case .ci, .validate: return 64 << 20
        case .comprehensive: return 1 << 30
        case .stress: return 4 << 30
        }
    }

    /// Streams created by the inactive-stream memory benchmark.
    var inactiveStreams: Int {
        switch self {
        case .smoke: return 500
        case .quick: return 10_000
        case .ci, .validate: return 20_000
        case .comprehensive, .stress: return 100_000
        }
    }

    /// Segment size the suite's logs use (recovery uses the WAL default of 128 MB).
    var segmentSize: Int { self == .smoke ? 32 << 20 : 64 << 20 }

    /// The WAL configuration of a benchmark log. Synced tiers keep the WAL's default zero-filled
    /// preallocation (it decides their fdatasync latency); unsynced ones use fallocate, which
    /// measures the same appends without writing 64 MB of zeros to disk every round.
    func walConfiguration(_ policy: SyncPolicy, prepareInBackground: Bool = false) -> WALConfiguration {
        var configuration = WALConfiguration(segmentSize: segmentSize, syncPolicy: policy)
        configuration.preallocation = policy == .none ? .fallocate : .zeroFill
        configuration.prepareSegmentsInBackground = prepareInBackground
        return configuration
    }

    /// Free space the scenario needs in its WAL directory (checked before it starts).
    public var requiredFreeBytes: Int { recoveryBytes + 3 * segmentSize + (256 << 20) }

    /// One-line description for help and progress output.
    public var summary: String {
        switch self {
        case .quick: return "every benchmark family, small volumes, 5 rounds (~2 min)"
        case .ci: return "the gated subset, 20 rounds (~2½ min on 2 cores)"
        case .comprehensive: return "the full matrix and 1 GB recovery, 10 rounds (~10 min)"
        case .stress: return "large volumes, 32 writers, 4 GB recovery (long)"
        case .validate: return "what the absolute targets need, 10 rounds"
        case .smoke: return "tiny sizes, 2 rounds (tests)"
        }
    }
}
