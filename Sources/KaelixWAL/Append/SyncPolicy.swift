/// When an append is acknowledged, and what survives a crash at that moment.
///
/// | policy | the append returns once… | a process crash loses | a power loss loses |
/// |---|---|---|---|
/// | ``none`` | the bytes are in the page cache | nothing acknowledged | anything not yet written back by the kernel |
/// | ``interval(milliseconds:)`` | the bytes are in the page cache; a background thread fdatasyncs every N ms | nothing acknowledged |
/// at most the last N ms (plus one sync) of acknowledged appends |
/// | ``group`` | the fdatasync that covers the record returned; concurrent appends share one sync | nothing acknowledged | nothing
/// acknowledged |
/// | ``everyWrite`` | each append's own write and fdatasync returned (no sharing) | nothing acknowledged | nothing acknowledged |
///
/// Under ``group`` and ``everyWrite`` a record becomes visible to readers only once it is durable,
/// so no reader ever sees a record that a power loss could take back. Every latency the benchmark
/// suite reports is labelled with its policy (`sync=none` …).
public enum SyncPolicy: Sendable, Equatable, CustomStringConvertible {
    case none
    case interval(milliseconds: Int)
    case group
    case everyWrite

    /// Whether an acknowledgement waits for fdatasync.
    public var acknowledgesAfterSync: Bool {
        switch self {
        case .group, .everyWrite: return true
        case .none, .interval: return false
        }
    }

    /// The label used in benchmark ids: `none`, `interval`, `group`, `every`.
    public var description: String {
        switch self {
        case .none: return "none"
        case .interval: return "interval"
        case .group: return "group"
        case .everyWrite: return "every"
        }
    }
}

/// How a new segment file reserves its space before records are written into it.
public enum Preallocation: String, Sendable, CaseIterable {
    /// Write zeros over the whole file and sync it. Slower to create, but later appends overwrite
    /// already-allocated blocks, so `fdatasync` has no metadata to commit (p99 178 µs against 883 µs
    /// for `fallocate` on this project's ext4 machine). The default; done in the background.
    case zeroFill
    /// `fallocate(2)`: fast to create; blocks stay "unwritten" extents until first written.
    case fallocate
    /// A sparse file of the full size: no reservation, so ENOSPC can surface on append.
    case sparse
}
