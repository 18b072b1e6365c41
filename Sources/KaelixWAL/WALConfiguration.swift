/// Tunables of a ``WriteAheadLog``. The defaults are the Kaelix targets: 128 MB segments, group
/// commit of up to 10 000 records with a 10 µs batching window.
public struct WALConfiguration: Sendable, Equatable {
    /// Maximum size of one segment file, header included. Default 128 MiB.
    public var segmentSize: Int = 128 * 1024 * 1024
    /// When appends are acknowledged; see ``SyncPolicy``. Default ``SyncPolicy/group``.
    public var syncPolicy: SyncPolicy = .group
    /// Most records one group commit writes with one system call. Default 10 000.
    public var maxBatchRecords: Int = 10_000
    /// How long a group-commit leader waits for more concurrent appenders before writing, in
    /// nanoseconds. Default 10 µs. Only spent while other appenders are known to be on their way,
    /// so a lone writer never waits.
    public var maxBatchDelayNanoseconds: UInt64 = 10_000
    /// How new segments reserve space. Default ``Preallocation/zeroFill`` (see its note).
    public var preallocation: Preallocation = .zeroFill
    /// How segments are read: through memory mappings (default), or with pread into memory. The
    /// log falls back to pread by itself when a segment cannot be mapped.
    public var readStrategy: ReadStrategy = .memoryMap
    /// Per-batch compression of frames whose records take at least `compressionThreshold` bytes.
    /// Off by default. Compression saves disk space and write bandwidth for compressible payloads.
    /// Opening a compressed log inflates each frame only to index it; reads inflate a frame on
    /// first use and keep it within ``inflatedCacheBytes``.
    public var compression: Compression = .none
    /// Memory for inflated compressed frames kept for reading, in bytes; the oldest go first once it
    /// is spent. Default 64 MiB. Beyond it, each cursor or read in progress holds at most one frame.
    public var inflatedCacheBytes: Int = 64 * 1024 * 1024
    /// Smallest records area (bytes) worth compressing. Default 1 KiB.
    public var compressionThreshold: Int = 1024
    /// Prepare the next segment file on a background thread so rotation does not stall appends.
    public var prepareSegmentsInBackground: Bool = true
    /// What opening does with a damaged last frame that no crash could have left (every sector of
    /// it was written, yet it fails its checks). Default ``DamagedTail/refuse``.
    public var damagedTail: DamagedTail = .refuse

    /// The defaults: the Kaelix targets.
    public init() {}

    /// A configuration with the most used settings; the rest keep their defaults.
    public init(
        segmentSize: Int = 128 * 1024 * 1024, syncPolicy: SyncPolicy = .group,
        maxBatchRecords: Int = 10_000, maxBatchDelayNanoseconds: UInt64 = 10_000,
        preallocation: Preallocation = .zeroFill, prepareSegmentsInBackground: Bool = true
    ) {
        self.segmentSize = segmentSize
        self.syncPolicy = syncPolicy
        self.maxBatchRecords = maxBatchRecords
        self.maxBatchDelayNanoseconds = maxBatchDelayNanoseconds
        self.preallocation = preallocation
        self.prepareSegmentsInBackground = prepareSegmentsInBackground
    }

    /// How segments are read.
    public enum ReadStrategy: String, Sendable, Equatable {
        /// Read-only shared mappings: zero-copy reads of resident data.
        case memoryMap
        /// Each segment's bytes read with pread into memory (and kept in step with writes).
        case pread
    }

    /// The choice for a damaged last frame. A crash mid-write leaves a frame with missing sectors,
    /// which recovery always cuts: its records were never acknowledged, because acknowledgement
    /// waits for the write and, under a syncing policy, its sync. A frame written whole that fails
    /// its checksum was damaged afterwards, and nothing in the log says whether its records were
    /// acknowledged (a later frame would, but the last frame has none).
    public enum DamagedTail: String, Sendable, Equatable {
        /// The open fails with ``WALError/corruption(path:offset:reason:)`` naming the file and
        /// offset: restore the file, or reopen with `.discard` knowing what it drops.
        case refuse
        /// Cut the frame and everything after it, as for a torn write, and say so in
        /// ``RecoveryReport/discardedDamage``. Records acknowledged before the damage may be lost.
        case discard
    }

    /// How frames are compressed.
    public enum Compression: Sendable, Equatable {
        case none
        /// zlib at a level from 1 (fastest) to 9 (smallest).
        case zlib(level: Int)
    }

    /// Largest frame (one batch or transaction, header included) a segment can hold.
    var maxFrameLength: Int { segmentSize - SegmentHeader.size - FrameLayout.sealFrameSize }

    func validate() throws {
        guard segmentSize >= 4096, segmentSize % 4096 == 0, segmentSize <= Int(UInt32.max) else {
            throw WALError.invalidConfiguration(
                field: "segmentSize",
                reason: "must be a multiple of 4096 between 4 KiB and 4 GiB, got \(segmentSize)")
        }
        guard maxBatchRecords >= 1 else {
            throw WALError.invalidConfiguration(field: "maxBatchRecords", reason: "must be at least 1, got \(maxBatchRecords)")
        }
        guard inflatedCacheBytes >= 0 else {
            throw WALError.invalidConfiguration(field: "inflatedCacheBytes", reason: "must be 0 or more, got \(inflatedCacheBytes)")
        }
        if case .zlib(let level) = compression, !(1...9).contains(level) {
            throw WALError.invalidConfiguration(field: "compression.zlib.level", reason: "must be 1...9, got \(level)")
        }
        if case .interval(let ms) = syncPolicy, ms < 1 {
            throw WALError.invalidConfiguration(field: "syncPolicy.interval", reason: "must be at least 1 ms, got \(ms)")
        }
    }
}
