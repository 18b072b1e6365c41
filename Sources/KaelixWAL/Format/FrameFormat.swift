import CKaelixSupport

/// The on-disk format, version 3. All integers are little-endian.
///
/// A segment file starts with a 64-byte ``SegmentHeader``; frames follow back to back, each
/// starting at an 8-byte-aligned offset:
///
/// ```
/// offset size field
///  0     4    length        whole frame in bytes, header and padding included; multiple of 8
///  4     1    type          0 = end of log / preallocated space, 1 = data, 2 = stream definition, 3 = seal
///  5     1    flags         bit 0 transactional, bit 1 compressed body, bits 2-7 reserved (0)
///  6     1    padding       zero bytes at the end of the frame (0...7)
///  7     1    reserved      0
///  8     4    crc32c        over bytes [0, 8) and [12, length): the length is covered
/// 12     4    recordCount   records in a data frame, 0 otherwise
/// 16     4    segmentID     low 32 bits of the segment the frame was written into: stale or
///                             misplaced bytes never match (the segment header holds all 64)
/// 20     4    headerCRC     crc32c over bytes [0, 8), [12, 20) and [24, 40): the header alone
/// 24     8    basePosition  log position of the first record
/// 32     8    durableBefore every position below this was durable when the frame was written
/// 40     …    body          data: per record varint(streamID) varint(length) payload
///                             stream definition: per stream varint(streamID) varint(length) name
///                             varint(sequenceBase), the records the stream had before this frame
/// ```
///
/// Every segment restates the whole stream table right after its header (written and synced with
/// it), so deleting old segments (retention) never deletes a stream's definition, and each
/// stream's sequence numbers continue from its `sequenceBase` after a restart. Versions 1 and 2
/// (no header checksum) are refused with a message.
///
/// The header carries its own checksum so recovery can trust a damaged frame's length: a frame
/// whose header is intact but whose body fails the checksum, with every 512-byte sector of it
/// written, was damaged after it was written; one with a sector still zero was torn by a crash.
///
/// A compressed body (optional, per batch) is `u32 uncompressed length` followed by a zlib stream of
/// the records; the CRC covers the stored (compressed) bytes.
///
/// One header serves a whole batch, so a 64-byte record costs 2 bytes of framing in a large batch.
/// `durableBefore` lets recovery tell a torn tail (damage past the last durable point: truncate)
/// from corruption of data that had already been made durable (refuse and report).
enum FrameType: UInt8 {
    case end = 0
    case data = 1
    case streamDefinition = 2
    case seal = 3
}

enum FrameLayout {
    static let headerSize = 40
    static let alignment = 8
    static let transactionalFlag: UInt8 = 1
    static let compressedFlag: UInt8 = 2
    static let knownFlags: UInt8 = 3
    /// Bytes of a seal frame: header plus `recordCount u64` and `endPosition u64`.
    static let sealFrameSize = headerSize + 16

    @inline(__always)
    static func padding(for unpadded: Int) -> Int { (alignment - unpadded % alignment) % alignment }
}

/// The fixed part of a frame, read from or written to raw memory.
struct FrameHeader: Equatable {
    var length: UInt32
    var type: UInt8
    var flags: UInt8
    var padding: UInt8
    var crc: UInt32
    var recordCount: UInt32
    var segmentID: UInt64
    var basePosition: UInt64
    var durableBefore: UInt64

    @inline(__always)
    init(
        length: UInt32, type: FrameType, flags: UInt8 = 0, padding: UInt8, recordCount: UInt32,
        segmentID: UInt64 = 0, basePosition: UInt64 = 0, durableBefore: UInt64 = 0
    ) {
        self.length = length
        self.type = type.rawValue
        self.flags = flags
        self.padding = padding
        self.crc = 0
        self.recordCount = recordCount
        self.segmentID = segmentID
        self.basePosition = basePosition
        self.durableBefore = durableBefore
    }

    @inline(__always)
    init(from p: UnsafeRawPointer) {
        length = UInt32(littleEndian: p.loadUnaligned(fromByteOffset: 0, as: UInt32.self))
        type = p.load(fromByteOffset: 4, as: UInt8.self)
        flags = p.load(fromByteOffset: 5, as: UInt8.self)
        padding = p.load(fromByteOffset: 6, as: UInt8.self)
        crc = UInt32(littleEndian: p.loadUnaligned(fromByteOffset: 8, as: UInt32.self))
        recordCount = UInt32(littleEndian: p.loadUnaligned(fromByteOffset: 12, as: UInt32.self))
        segmentID = UInt64(UInt32(littleEndian: p.loadUnaligned(fromByteOffset: 16, as: UInt32.self)))
        basePosition = UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 24, as: UInt64.self))
        durableBefore = UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 32, as: UInt64.self))
    }

    /// Writes the header fields; the CRC is written separately by ``sealCRC(frame:)``.
    @inline(__always)
    func write(to p: UnsafeMutableRawPointer) {
        p.storeBytes(of: length.littleEndian, toByteOffset: 0, as: UInt32.self)
        p.storeBytes(of: type, toByteOffset: 4, as: UInt8.self)
        p.storeBytes(of: flags, toByteOffset: 5, as: UInt8.self)
        p.storeBytes(of: padding, toByteOffset: 6, as: UInt8.self)
        p.storeBytes(of: UInt8(0), toByteOffset: 7, as: UInt8.self)
        p.storeBytes(of: crc.littleEndian, toByteOffset: 8, as: UInt32.self)
        p.storeBytes(of: recordCount.littleEndian, toByteOffset: 12, as: UInt32.self)
        p.storeBytes(of: UInt32(truncatingIfNeeded: segmentID).littleEndian, toByteOffset: 16, as: UInt32.self)
        p.storeBytes(of: basePosition.littleEndian, toByteOffset: 24, as: UInt64.self)
        p.storeBytes(of: durableBefore.littleEndian, toByteOffset: 32, as: UInt64.self)
    }

    /// What a frame's 32-bit segment field holds for segment `id`.
    @inline(__always)
    static func segmentTag(_ id: UInt64) -> UInt64 { id & 0xFFFF_FFFF }

    /// The checksum of the header fields alone (bytes [0, 8), [12, 20) and [24, 40)).
    @inline(__always)
    static func computeHeaderCRC(frame: UnsafeRawPointer) -> UInt32 { kaelix_frame_header_crc(frame) }

    /// Whether the header's own checksum (bytes 20..<24) matches its fields.
    @inline(__always)
    static func headerIsIntact(frame: UnsafeRawPointer) -> Bool {
        UInt32(littleEndian: frame.loadUnaligned(fromByteOffset: 20, as: UInt32.self)) == computeHeaderCRC(frame: frame)
    }

    /// The checksum a frame of `length` bytes at `frame` must carry.
    @inline(__always)
    static func computeCRC(frame: UnsafeRawPointer, length: Int) -> UInt32 { kaelix_frame_crc(frame, length) }

    /// Computes and stores the header's checksum, then the CRC of the complete frame at `frame`.
    @inline(__always)
    static func sealCRC(frame: UnsafeMutableRawPointer, length: Int) {
        frame.storeBytes(of: computeHeaderCRC(frame: frame).littleEndian, toByteOffset: 20, as: UInt32.self)
        let crc = computeCRC(frame: frame, length: length)
        frame.storeBytes(of: crc.littleEndian, toByteOffset: 8, as: UInt32.self)
    }
}

/// The 64 bytes at the start of every segment file.
///
/// ```
///  0  8  magic "KAELIXWL"
///  8  4  format version (3)
/// 12  4  crc32c over bytes [0, 12) and [16, 64)
/// 16  8  segment id (also the file name)
/// 24  8  base position: the position of the segment's first record
/// 32  8  capacity in bytes
/// 40 24  reserved (0)
/// ```
struct SegmentHeader: Equatable {
    static let size = 64
    static let magic: UInt64 = 0x4C57_5849_4C45_414B  // "KAELIXWL" little-endian
    static let version: UInt32 = 3

    var segmentID: UInt64
    var basePosition: UInt64
    var capacity: UInt64

    func encode() -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: Self.size)
        bytes.withUnsafeMutableBytes { raw in
            let p = raw.baseAddress!
            p.storeBytes(of: Self.magic.littleEndian, toByteOffset: 0, as: UInt64.self)
            p.storeBytes(of: Self.version.littleEndian, toByteOffset: 8, as: UInt32.self)
            p.storeBytes(of: segmentID.littleEndian, toByteOffset: 16, as: UInt64.self)
            p.storeBytes(of: basePosition.littleEndian, toByteOffset: 24, as: UInt64.self)
            p.storeBytes(of: capacity.littleEndian, toByteOffset: 32, as: UInt64.self)
            let crc = Self.crc(p)
            p.storeBytes(of: crc.littleEndian, toByteOffset: 12, as: UInt32.self)
        }
        return bytes
    }

    private static func crc(_ p: UnsafeRawPointer) -> UInt32 {
        let head = CRC32C.checksum(UnsafeRawBufferPointer(start: p, count: 12))
        return CRC32C.checksum(UnsafeRawBufferPointer(start: p + 16, count: size - 16), continuing: head)
    }

    /// Decodes and validates a header; the error text says which check failed.
    static func decode(_ p: UnsafeRawPointer, available: Int) -> Result<SegmentHeader, FormatProblem> {
        guard available >= size else { return .failure(FormatProblem("file is shorter than the \(size)-byte segment header")) }
        guard UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 0, as: UInt64.self)) == magic else {
            return .failure(FormatProblem("missing KAELIXWL magic: not a Kaelix segment file"))
        }
        let version = UInt32(littleEndian: p.loadUnaligned(fromByteOffset: 8, as: UInt32.self))
        guard version == Self.version else {
            return .failure(FormatProblem("format version \(version) is not supported by this build (it reads version \(Self.version))"))
        }
        let stored = UInt32(littleEndian: p.loadUnaligned(fromByteOffset: 12, as: UInt32.self))
        guard stored == crc(p) else { return .failure(FormatProblem("segment header checksum mismatch")) }
        return .success(
            SegmentHeader(
                segmentID: UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 16, as: UInt64.self)),
                basePosition: UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 24, as: UInt64.self)),
                capacity: UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 32, as: UInt64.self))))
    }
}
