import Glibc

/// `<id>.kidx`: what opening the log needs of a sealed segment, written when the segment is sealed
/// so that the next open reads a few kilobytes instead of walking every frame of it.
///
/// Walking a sealed segment reads all of it (every frame header and record header): bound by the
/// disk on a cold cache, 0.7–1 s per GB here. The index holds the walk's result — the segment's
/// checkpoints, the stream definitions it carries, and its records as runs of one stream — and is
/// bound to the segment it describes by the segment's id, base position and its seal frame (offset
/// and checksum), which the open checks in the mapping. An index that is missing, damaged (its
/// own CRC32C) or describes another incarnation of the segment is ignored and the segment is
/// walked as before (and a writer's open writes the index again). It is an accelerator, never a
/// source of truth: written without fdatasync, as a temporary file renamed into place.
///
/// The data itself is not trusted more than before: sealed data frames were never checksummed at
/// open (only on first read, ``Segment/verifySealed()``), and still are on first read; damage is
/// reported then.
///
/// Layout (little-endian): magic `KWIX`, version u32 (2), segment id u64, base position u64, end
/// position u64, seal offset u64, seal CRC u32, flags u32 (bit 0: the segment holds compressed
/// frames; absent in version 1, whose segments are taken to hold some), then counted arrays — checkpoint positions (u64),
/// checkpoint record offsets (u32), checkpoint frame offsets (u32), stream definitions (id u32,
/// sequence base u64, name length u32, name), runs (stream u32, first position u64, records u64)
/// — and a CRC32C of everything before it.
struct SegmentIndexFile: Equatable {
    /// Records of one stream at consecutive positions.
    struct Run: Equatable {
        var stream: UInt32
        var first: UInt64
        var records: UInt64
    }

    static let magic: UInt32 = 0x5849_574B  // "KWIX"
    /// The version written. Version 1 (no flags) is still read.
    static let version: UInt32 = 2
    private static let compressedFramesFlag: UInt32 = 1

    var segmentID: UInt64
    var basePosition: UInt64
    var endPosition: UInt64
    /// Where the seal frame starts, and its checksum: what binds the index to the segment's bytes.
    var sealOffset: UInt64
    var sealCRC: UInt32
    /// Whether any data frame of the segment is compressed: a read of a segment without one finds
    /// its record from the checkpoint alone, without reading the frame's header.
    var hasCompressedFrames: Bool
    var checkpointPositions: [UInt64]
    var checkpointOffsets: [UInt32]
    var checkpointFrames: [UInt32]
    var definitions: [StreamDefinition]
    var runs: [Run]

    /// `<20-digit id>.kidx`, next to the segment.
    static func fileName(id: UInt64) -> String { String(Segment.fileName(id: id).dropLast(5)) + ".kidx" }

    /// The file's bytes in `version` (the current one; 1 only to test that old files still open).
    func encoded(version: UInt32 = Self.version) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(64 + checkpointPositions.count * 16 + runs.count * 20 + definitions.count * 32)
        func put<T: FixedWidthInteger>(_ value: T) { withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) } }
        put(Self.magic)
        put(version)
        put(segmentID)
        put(basePosition)
        put(endPosition)
        put(sealOffset)
        put(sealCRC)
        if version >= 2 { put(hasCompressedFrames ? Self.compressedFramesFlag : 0) }
        put(UInt32(checkpointPositions.count))
        for value in checkpointPositions { put(value) }
        for value in checkpointOffsets { put(value) }
        for value in checkpointFrames { put(value) }
        put(UInt32(definitions.count))
        for definition in definitions {
            let name = Array(definition.name.utf8)
            put(definition.id)
            put(definition.sequenceBase)
            put(UInt32(name.count))
            bytes.append(contentsOf: name)
        }
        put(UInt32(runs.count))
        for run in runs {
            put(run.stream)
            put(run.first)
            put(run.records)
        }
        put(CRC32C.checksum(bytes))
        return bytes
    }

    /// The index in `bytes`, or nil when they are not a whole, intact index of a version this
    /// code reads.
    static func decode(_ bytes: [UInt8]) -> SegmentIndexFile? {
        guard bytes.count >= 48 else { return nil }
        let stored = bytes.withUnsafeBytes { UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: bytes.count - 4, as: UInt32.self)) }
        guard CRC32C.checksum(Array(bytes[..<(bytes.count - 4)])) == stored else { return nil }
        var offset = 0
        let end = bytes.count - 4
        func get<T: FixedWidthInteger>(_: T.Type) -> T? {
            guard offset + MemoryLayout<T>.size <= end else { return nil }
            defer { offset += MemoryLayout<T>.size }
            return bytes.withUnsafeBytes { T(littleEndian: $0.loadUnaligned(fromByteOffset: offset, as: T.self)) }
        }
        func count(of size: Int) -> Int? {
            guard let n = get(UInt32.self), Int(n) * size <= end - offset else { return nil }
            return Int(n)
        }
        guard get(UInt32.self) == magic, let fileVersion = get(UInt32.self), fileVersion == 1 || fileVersion == version,
            let segmentID = get(UInt64.self), let basePosition = get(UInt64.self), let endPosition = get(UInt64.self),
            let sealOffset = get(UInt64.self), let sealCRC = get(UInt32.self)
        else { return nil }
        var hasCompressedFrames = true
        if fileVersion >= 2 {
            guard let flags = get(UInt32.self) else { return nil }
            hasCompressedFrames = flags & compressedFramesFlag != 0
        }
        guard let checkpoints = count(of: 16) else { return nil }
        var positions: [UInt64] = []
        var offsets: [UInt32] = []
        var frames: [UInt32] = []
        positions.reserveCapacity(checkpoints)
        offsets.reserveCapacity(checkpoints)
        frames.reserveCapacity(checkpoints)
        for _ in 0..<checkpoints { positions.append(get(UInt64.self)!) }
        for _ in 0..<checkpoints { offsets.append(get(UInt32.self)!) }
        for _ in 0..<checkpoints { frames.append(get(UInt32.self)!) }
        guard let definitionCount = count(of: 16) else { return nil }
        var definitions: [StreamDefinition] = []
        for _ in 0..<definitionCount {
            guard let id = get(UInt32.self), let sequenceBase = get(UInt64.self), let length = get(UInt32.self),
                Int(length) <= end - offset
            else { return nil }
            let name = String(decoding: bytes[offset..<(offset + Int(length))], as: UTF8.self)
            offset += Int(length)
            definitions.append(StreamDefinition(id: id, name: name, sequenceBase: sequenceBase))
        }
        guard let runCount = count(of: 20) else { return nil }
        var runs: [Run] = []
        runs.reserveCapacity(runCount)
        for _ in 0..<runCount { runs.append(Run(stream: get(UInt32.self)!, first: get(UInt64.self)!, records: get(UInt64.self)!)) }
        guard offset == end else { return nil }
        return SegmentIndexFile(
            segmentID: segmentID, basePosition: basePosition, endPosition: endPosition, sealOffset: sealOffset, sealCRC: sealCRC,
            hasCompressedFrames: hasCompressedFrames, checkpointPositions: positions, checkpointOffsets: offsets, checkpointFrames: frames,
            definitions: definitions, runs: runs)
    }

    /// Writes the index of segment `segmentID` into `directory`: a temporary file renamed into
    /// place, not synced (a lost or torn index only costs the next open a walk).
    func write(directory: String, fileSystem: any WALFileSystem) throws {
        let path = directory + "/" + Self.fileName(id: segmentID)
        let temporary = path + ".tmp"
        try? fileSystem.removeFile(temporary)
        let fd = try fileSystem.openFile(temporary, create: true)
        do {
            try encoded().withUnsafeBytes { try fileSystem.writeAll(fd, $0, at: 0) }
        } catch {
            fileSystem.closeFile(fd)
            try? fileSystem.removeFile(temporary)
            throw error
        }
        fileSystem.closeFile(fd)
        try fileSystem.rename(temporary, to: path)
    }

    /// The index of segment `id` in `directory`, or nil when there is none or it is not intact.
    static func read(directory: String, id: UInt64, fileSystem: any WALFileSystem) -> SegmentIndexFile? {
        let path = directory + "/" + fileName(id: id)
        guard access(path, F_OK) == 0, let fd = try? fileSystem.openFileReadOnly(path) else { return nil }
        defer { fileSystem.closeFile(fd) }
        guard let size = try? fileSystem.fileSize(fd), size >= 48, size <= 1 << 30 else { return nil }
        var bytes = [UInt8](repeating: 0, count: Int(size))
        guard let read = try? bytes.withUnsafeMutableBytes({ try fileSystem.readFully(fd, into: $0, at: 0) }), read == Int(size)
        else { return nil }
        guard let index = decode(bytes), index.segmentID == id else { return nil }
        return index
    }
}
