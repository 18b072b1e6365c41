import CKaelixSupport
import Synchronization

/// One segment file: its identity, its read-only mapping, how far it is written, and a sparse
/// index from positions to byte offsets (one checkpoint per frame and every 8 records inside
/// a frame, so a lookup walks at most 7 records).
///
/// Sealed segments hold no file descriptor, only their mapping. Guarded by the log's index lock,
/// except `fd`, which only the commit leader (and the interval syncer under the sync lock) uses.
final class Segment: @unchecked Sendable {
    /// Records between checkpoints. 8 rather than 32: a random read walks 3.5 record headers on
    /// average instead of 15.5 — a dozen cache lines fewer on a cold read of small records — for
    /// 2 bytes of index per record in memory and in the index file (16 bytes per checkpoint).
    static let checkpointStride: UInt64 = 8

    let id: UInt64
    let basePosition: UInt64
    let path: String
    let capacity: Int
    var fd: Int32
    let mapping: MappedRegion
    /// End of the last valid frame (the next frame starts here).
    var writeOffset: Int
    /// One past the last record's position.
    var endPosition: UInt64
    var sealed = false
    /// Whether every frame's checksum has been verified (at recovery, because we wrote it, or by
    /// ``verifySealed()``). Safe to read from any thread.
    var verified: Bool { verification.load(ordering: .acquiring) == Self.verifiedState }
    private static let verifiedState: UInt8 = 1
    private let verification: Atomic<UInt8>
    /// The damage ``verifySealed()`` found, remembered so it is reported without checksumming again.
    private var damage: WALError?
    private let verifyLock = ConditionLock()
    /// How many times ``verifySealed()`` walked the segment (once at most, damaged or not).
    private(set) var checksumPasses = 0
    /// Every ``checkpointStride``-th record of each frame: where a read by position starts its walk.
    /// One 16-byte entry holds all a read needs, so a random read misses the cache once here, not
    /// once in each of three parallel arrays.
    private(set) var checkpoints: [Checkpoint] = []
    /// How many checkpoints the array's mapped pages hold (``mapCheckpointRoom(_:)``).
    private var checkpointsMapped = 0

    /// A record a read can start from: its position, the offset of its frame in the segment and
    /// the offset of the record (in the segment, or in the inflated copy of a compressed frame).
    struct Checkpoint {
        var position: UInt64
        var frame: UInt32
        var record: UInt32
    }
    /// Whether a data frame of this segment is compressed (its checkpoints then point into the
    /// inflated copy). Without one, a read walks from its checkpoint straight in the mapping,
    /// without reading the frame's header: on a large segment that header is usually on another
    /// page, one more cache and TLB miss a read. Changes under the index lock, like the checkpoints.
    private(set) var hasCompressedFrames = false
    /// Inflated records areas of compressed frames, shared by the log and bounded in bytes.
    let inflatedFrames: InflatedFrameCache
    /// The stream definitions this segment carries (its head table and any later ones), and its
    /// records as runs of one stream: kept for its index file (``SegmentIndexFile``), written at
    /// seal. Nil once more than ``maximumRuns`` runs were seen (the segment is then walked at open).
    private(set) var definitions: [StreamDefinition] = []
    private(set) var runs: [SegmentIndexFile.Run]? = []
    /// Runs kept per segment for its index: 1 M runs (24 MB), beyond which the index is not worth it.
    static let maximumRuns = 1 << 20

    init(
        id: UInt64, basePosition: UInt64, path: String, capacity: Int, fd: Int32, mapping: MappedRegion, verified: Bool,
        inflatedFrames: InflatedFrameCache
    ) {
        self.id = id
        self.basePosition = basePosition
        self.path = path
        self.capacity = capacity
        self.fd = fd
        self.mapping = mapping
        self.writeOffset = SegmentHeader.size
        self.endPosition = basePosition
        self.verification = Atomic(verified ? Self.verifiedState : 0)
        self.inflatedFrames = inflatedFrames
    }

    /// The records area of the data frame whose header is at `frameOffset` in `base` (the
    /// mapping, or a pending buffer at publish time) and which lies at `segmentOffset` in this
    /// segment: `(base, start, end, owner)`. For a compressed frame that is an inflated copy,
    /// which `owner` keeps alive: hold it while reading. With `keep`, the copy goes into the
    /// log's bounded cache; without (indexing), it is freed when `owner` is released. Nil when
    /// the compressed body is damaged.
    func recordsArea(
        _ base: UnsafeRawPointer, frameOffset: Int, segmentOffset: Int, header: FrameHeader,
        keep: Bool = true
    ) -> (base: UnsafeRawPointer, start: Int, end: Int, owner: InflatedFrame?)? {
        guard header.flags & FrameLayout.compressedFlag != 0 else {
            let (start, end) = FrameParser.bodyRange(frameOffset: frameOffset, header: header)
            return (base, start, end, nil)
        }
        // An inflated body is at most a frame, which is smaller than a segment.
        let inflate = { FrameParser.inflate(base, frameOffset: frameOffset, header: header, limit: self.capacity) }
        let frame: InflatedFrame?
        if keep {
            frame = inflatedFrames.frame(segmentID: id, offset: segmentOffset, inflate: inflate)
        } else {
            frame = inflate().map { InflatedFrame(bytes: $0) }
        }
        guard let frame else { return nil }
        return (UnsafeRawPointer(frame.bytes.baseAddress!), 0, frame.bytes.count, frame)
    }

    /// Checksums every frame of this sealed segment once, on the first read that needs it. Runs
    /// under the segment's own lock, not the log's index lock, so appends and reads of other
    /// segments go on meanwhile; concurrent readers of this segment wait for the one check. The
    /// outcome is remembered: damage is reported again without checksumming again.
    func verifySealed() throws {
        if verified { return }
        try verifyLock.withLock { () throws in
            if let damage { throw damage }
            if verified { return }
            // Unverified segments are sealed (the tail is checked at open), so writeOffset is final.
            checksumPasses += 1
            var offset = SegmentHeader.size
            let base = mapping.base
            while offset < writeOffset {
                switch FrameParser.check(base, size: writeOffset, offset: offset, segmentID: id) {
                case .valid(let header):
                    offset += Int(header.length)
                case .invalid(let reason):
                    damage = WALError.corruption(path: path, offset: Int64(offset), reason: reason + " in a sealed segment")
                case .end:
                    damage = WALError.corruption(path: path, offset: Int64(offset), reason: "sealed segment ends early")
                }
                if let damage { throw damage }
            }
            verification.store(Self.verifiedState, ordering: .releasing)
        }
    }

    /// The file name of segment `id`: 20 decimal digits, so names sort like ids.
    static func fileName(id: UInt64) -> String {
        let digits = String(id)
        return String(repeating: "0", count: max(0, 20 - digits.count)) + digits + ".kwal"
    }

    /// Indexes the data frame whose header is at `base + frameOffset` (the mapping, or a pending
    /// buffer) and which lies at `segmentOffset` in this segment; `stream` is called once per run
    /// of consecutive records of one stream, with the stream, the run's first position and its
    /// length (once per frame for a batch appended to one stream: indexing costs no call, no
    /// reference count and no exclusivity check per record). Checkpoints hold record offsets in
    /// the segment, or in the inflated copy of a compressed frame. Returns false when the records
    /// are malformed (or a compressed body does not inflate).
    @discardableResult
    func index(
        frame header: FrameHeader, base: UnsafeRawPointer, frameOffset: Int, segmentOffset: Int,
        stream: (UInt32, UInt64, UInt64) -> Void
    ) -> Bool {
        guard let area = recordsArea(base, frameOffset: frameOffset, segmentOffset: segmentOffset, header: header, keep: false)
        else { return false }
        let compressed = header.flags & FrameLayout.compressedFlag != 0
        if compressed { hasCompressedFrames = true }
        let delta = UInt32(truncatingIfNeeded: compressed ? 0 : segmentOffset - frameOffset)
        let frameInSegment = UInt32(truncatingIfNeeded: segmentOffset)
        let first = header.basePosition
        var runStream: UInt32 = 0
        var runStart = first
        var seen: UInt64 = 0
        let wellFormed = withExtendedLifetime(area.owner) {
            FrameParser.forEachRecord(area.base, start: area.start, end: area.end, count: header.recordCount) {
                id, recordStart, _, _ in
                if seen % Segment.checkpointStride == 0 {
                    addCheckpoint(
                        Checkpoint(position: first + seen, frame: frameInSegment, record: UInt32(truncatingIfNeeded: recordStart) &+ delta))
                }
                if seen == 0 {
                    runStream = id
                } else if id != runStream {
                    noteRun(stream: runStream, first: runStart, records: first + seen - runStart)
                    stream(runStream, runStart, first + seen - runStart)
                    runStream = id
                    runStart = first + seen
                }
                seen += 1
            }
        }
        if seen > 0 {
            noteRun(stream: runStream, first: runStart, records: first + seen - runStart)
            stream(runStream, runStart, first + seen - runStart)
        }
        endPosition = first + seen
        return wellFormed
    }

    /// Indexes a data frame at `segmentOffset` whose checkpoints its writer already knows
    /// (``PendingGroup/FrameIndex``): the first record's, at the body's start, and the body
    /// offsets of every later ``checkpointStride``-th record in `laterCheckpoints` — what
    /// ``index(frame:base:frameOffset:segmentOffset:stream:)`` finds by walking the records.
    func index(frameAt segmentOffset: Int, stream: UInt32, basePosition: UInt64, recordCount: UInt64, laterCheckpoints: ArraySlice<UInt32>)
    {
        noteRun(stream: stream, first: basePosition, records: recordCount)
        let body = UInt32(truncatingIfNeeded: segmentOffset + FrameLayout.headerSize)
        let frame = UInt32(truncatingIfNeeded: segmentOffset)
        makeRoom(forCheckpoints: 1 + laterCheckpoints.count)
        checkpoints.append(Checkpoint(position: basePosition, frame: frame, record: body))
        laterCheckpoints.withUnsafeBufferPointer { offsets in
            for i in offsets.indices {
                checkpoints.append(
                    Checkpoint(
                        position: basePosition + UInt64(i + 1) * Segment.checkpointStride, frame: frame, record: body &+ offsets[i]))
            }
        }
        endPosition = basePosition + recordCount
    }

    /// Appends a checkpoint, with room as ``makeRoom(forCheckpoints:)`` makes it.
    @inline(__always) private func addCheckpoint(_ checkpoint: Checkpoint) {
        makeRoom(forCheckpoints: 1)
        checkpoints.append(checkpoint)
    }

    /// Makes room for `more` checkpoints on pages already mapped (``mapCheckpointRoom(_:)``).
    @inline(__always) private func makeRoom(forCheckpoints more: Int) {
        if checkpoints.count + more > checkpointsMapped { mapCheckpointRoom(more) }
    }

    /// Grows the checkpoints by doubling when they are full and has the kernel map the pages of
    /// the next ``checkpointsMappedAhead`` now. Left to fault in one by one, those pages cost a
    /// page fault (several µs) every 256 checkpoints: on one writer's single appends, a fault in
    /// one append of 190 (104 of 20,000, `getrusage` around each), enough to push the p99 of
    /// appends into those faults. Mapping the whole doubled room instead cost 13 bytes of
    /// resident memory per inactive stream (209 -> 222, `wal.streams.inactive`, caught by the
    /// gate); a window costs at most 16 KB a segment.
    @inline(never) private func mapCheckpointRoom(_ more: Int) {
        let count = checkpoints.count
        if checkpoints.capacity < count + more {
            checkpoints.reserveCapacity(Swift.max(256, 2 * checkpoints.capacity, count + more))
        }
        let mapped = Swift.min(checkpoints.capacity, count + Swift.max(more, Segment.checkpointsMappedAhead))
        checkpoints.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            _ = kaelix_prefault_writable(UnsafeMutableRawPointer(base + count), (mapped - count) * MemoryLayout<Checkpoint>.stride)
        }
        checkpointsMapped = mapped
    }

    /// Checkpoints whose room is mapped ahead of use: 1,024 (16 KB, four pages), one `madvise`
    /// per 1,024 checkpoints.
    static let checkpointsMappedAhead = 1024

    /// Adds records to the segment's runs, extending the last run when they follow it.
    private func noteRun(stream: UInt32, first: UInt64, records: UInt64) {
        guard records > 0, runs != nil else { return }
        if let last = runs!.last, last.stream == stream, last.first + last.records == first {
            runs![runs!.count - 1].records += records
        } else if runs!.count < Self.maximumRuns {
            runs!.append(SegmentIndexFile.Run(stream: stream, first: first, records: records))
        } else {
            runs = nil
        }
    }

    /// Notes stream definitions this segment carries, for its index file.
    func noteDefinitions(_ new: [StreamDefinition]) { definitions += new }

    /// The index file of this sealed segment, bound to its seal frame (the last frame, read back
    /// from the mapping); nil when its runs were not kept.
    func indexFile() -> SegmentIndexFile? {
        guard sealed, let runs else { return nil }
        let sealOffset = writeOffset - FrameLayout.sealFrameSize
        let sealCRC = FrameHeader(from: mapping.base + sealOffset).crc
        return SegmentIndexFile(
            segmentID: id, basePosition: basePosition, endPosition: endPosition, sealOffset: UInt64(sealOffset), sealCRC: sealCRC,
            hasCompressedFrames: hasCompressedFrames, checkpointPositions: checkpoints.map(\.position),
            checkpointOffsets: checkpoints.map(\.record),
            checkpointFrames: checkpoints.map(\.frame),
            definitions: definitions, runs: runs)
    }

    /// Drops what was kept for the index file once it is written (or not needed): a sealed
    /// segment's runs are in the streams' own indexes already.
    func releaseIndexNotes() {
        definitions = []
        runs = nil
    }

    /// Takes the checkpoints, end and seal from `index` instead of walking the frames (recovery,
    /// after checking that the index describes this segment's seal frame).
    func load(_ index: SegmentIndexFile) {
        checkpoints = (0..<index.checkpointPositions.count).map {
            Checkpoint(position: index.checkpointPositions[$0], frame: index.checkpointFrames[$0], record: index.checkpointOffsets[$0])
        }
        checkpointsMapped = checkpoints.count
        hasCompressedFrames = index.hasCompressedFrames
        endPosition = index.endPosition
        writeOffset = Int(index.sealOffset) + FrameLayout.sealFrameSize
        sealed = true
    }

    /// Index of the last checkpoint at or before `position`, if `position` is in this segment.
    private func checkpoint(before position: UInt64) -> Int? {
        guard position >= basePosition, position < endPosition, !checkpoints.isEmpty else { return nil }
        return checkpoints.withUnsafeBufferPointer { checkpoints in
            func positionOf(_ i: Int) -> UInt64 { checkpoints[i].position }
            // The last checkpoint at or before `position`. Checkpoints are close to evenly spaced
            // (every 8th record of each frame), so interpolation lands on or next to it: gallop
            // from there to bracket it, then halve the bracket. A plain binary search over a
            // large segment's checkpoints touched a dozen cache lines a read, most of them misses.
            let count = checkpoints.count
            let first = positionOf(0)
            let last = positionOf(count - 1)
            if position >= last { return count - 1 }
            if position < first { return 0 }
            // (At most count − 2: rounding must not step past the bracket's end.)
            let guess = Swift.min(Int(Double(position - first) / Double(last - first) * Double(count - 1)), count - 2)
            // Bracket [low, high): positionOf(low) <= position < positionOf(high).
            var low: Int
            var high: Int
            var step = 1
            if positionOf(guess) <= position {
                low = guess
                high = guess + 1
                while positionOf(high) <= position {
                    low = high
                    high = Swift.min(high + step, count - 1)
                    step *= 2
                }
            } else {
                high = guess
                low = Swift.max(guess - 1, 0)
                while positionOf(low) > position {
                    high = low
                    low = Swift.max(low - step, 0)
                    step *= 2
                }
            }
            // Branch-free halving of the bracket.
            var base = low
            var length = high - low
            while length > 1 {
                let half = length / 2
                base = positionOf(base + half) <= position ? base + half : base
                length -= half
            }
            return base
        }
    }

    /// The offset of the frame holding `position`.
    func frameOffset(of position: UInt64) -> Int? {
        checkpoint(before: position).map { Int(checkpoints[$0].frame) }
    }

    /// Where the walk to the record at `position` starts: its frame, the checkpoint's record
    /// offset, how many records to skip, and whether the frame may be compressed (the segment
    /// holds a compressed frame: its header says). Needs the index lock (appends grow the
    /// checkpoints and set ``hasCompressedFrames``).
    func checkpoint(of position: UInt64) -> WalkStart? {
        guard let low = checkpoint(before: position) else { return nil }
        let checkpoint = checkpoints[low]
        return WalkStart(
            frameOffset: Int(checkpoint.frame), recordOffset: Int(checkpoint.record), skip: position - checkpoint.position,
            mayBeCompressed: hasCompressedFrames)
    }

    /// Where a read by position starts walking (``checkpoint(of:)``).
    struct WalkStart {
        var frameOffset: Int
        var recordOffset: Int
        var skip: UInt64
        var mayBeCompressed: Bool
    }

    /// Where the record a ``checkpoint(of:)`` leads to starts: `(base, offset, end of the bytes
    /// it may span, owner of an inflated copy to hold while reading)`, or nil when the bytes do
    /// not lead to it. Needs no lock: published frames never change. In a segment without
    /// compressed frames the walk starts at the checkpoint in the mapping, bounded by the mapping:
    /// the frame's checksum (verified before any read) vouches for the record headers it walks,
    /// and the frame's own header, usually pages away, is not read.
    func recordLocation(from checkpoint: WalkStart) -> (base: UnsafeRawPointer, offset: Int, end: Int, owner: InflatedFrame?)? {
        let frameOffset = checkpoint.frameOffset
        let area: (base: UnsafeRawPointer, start: Int, end: Int, owner: InflatedFrame?)
        if checkpoint.mayBeCompressed {
            guard frameOffset + FrameLayout.headerSize <= mapping.length else { return nil }
            let header = FrameHeader(from: mapping.base + frameOffset)
            guard Int(header.length) <= mapping.length - frameOffset,
                let found = recordsArea(mapping.base, frameOffset: frameOffset, segmentOffset: frameOffset, header: header)
            else { return nil }
            area = found
        } else {
            guard checkpoint.recordOffset < mapping.length else { return nil }
            area = (UnsafeRawPointer(mapping.base), checkpoint.recordOffset, mapping.length, nil)
        }
        var offset = checkpoint.recordOffset
        var skip = checkpoint.skip
        let base = area.base
        let end = area.end
        if skip > 1 {
            // Each record's header says where the next starts, so a plain walk waits for one cache
            // miss after another. Records of a stream are mostly alike in size: step over the first
            // record, guess the starts of the rest from its length and ask for them all at once.
            let first = offset
            guard Varint.read(base, &offset, end: end) != nil, let length = Varint.read(base, &offset, end: end),
                length <= UInt64(end - offset)
            else { return nil }
            offset += Int(length)
            skip -= 1
            let stride = offset - first
            var ahead = first
            for _ in 0...skip {
                ahead += stride
                guard ahead < end else { break }
                kaelix_prefetch(base + ahead)
            }
        }
        while skip > 0 {
            guard Varint.read(base, &offset, end: end) != nil, let length = Varint.read(base, &offset, end: end),
                length <= UInt64(end - offset)
            else { return nil }
            offset += Int(length)
            skip -= 1
        }
        return (base, offset, end, area.owner)
    }
}
