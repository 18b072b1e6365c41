// libFuzzer entry for the WAL's segment parser and recovery. Built by scripts/fuzz_wal.sh into the
// same module as the WAL sources, so it reaches the internal parser as well as the public API.
//
// Each input becomes the body of segment 1 (after a valid header). The raw parser walks it as it is;
// then every frame's segment id and CRC are fixed up (so mutations reach the structure behind the
// checksum instead of dying at it), and the log is opened (recovery runs), every record is read by
// position and by cursor, and the log is closed. Any crash, any overread (AddressSanitizer) or an
// allocation past libFuzzer's -malloc_limit_mb is a bug.
//
// With an empty corpus directory, LLVMFuzzerInitialize writes seeds into it: the bodies of real
// segments holding streams, single records, batches, transactions and compressed frames.
import Glibc

private let fuzzDirectory: String = {
    let path = "/dev/shm/kaelix-fuzz-\(getpid())"
    mkdir(path, 0o755)
    return path
}()

/// Writes real segment bodies into the corpus directory (the first non-flag argument) unless it has them.
@_cdecl("LLVMFuzzerInitialize")
public func fuzzInitialize(
    _ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>
) -> Int32 {
    let arguments = (0..<Int(argc.pointee)).compactMap { argv.pointee?[$0].map { String(cString: $0) } }
    guard let corpus = arguments.dropFirst().first(where: { !$0.hasPrefix("-") }),
        let existing = try? PosixFileSystem().listDirectory(corpus), !existing.contains("segment-0")
    else { return 0 }
    let capacity = 64 * 1024
    for (index, compression) in [WALConfiguration.Compression.none, .zlib(level: 1)].enumerated() {
        let directory = fuzzDirectory + "-seed\(index)"
        var configuration = WALConfiguration(
            segmentSize: capacity, syncPolicy: .none, preallocation: .sparse,
            prepareSegmentsInBackground: false)
        configuration.compression = compression
        configuration.compressionThreshold = 64
        guard let log = try? WriteAheadLog.open(directory: directory, configuration: configuration),
            let orders = try? log.stream(named: "orders")
        else { continue }
        _ = try? log.append(Array("hello".utf8))
        _ = try? log.append(batch: (0..<20).map { [UInt8](repeating: UInt8($0), count: 30 + $0) }, to: orders)
        let transaction = log.beginTransaction()
        try? transaction.append(Array("a".utf8), to: orders)
        try? transaction.append(Array("b".utf8))
        _ = try? transaction.commit()
        let path = log.tailSegment.path
        let written = log.tailSegment.writtenBytes
        try? log.close()
        let fd = open(path, O_RDONLY)
        var bytes = [UInt8](repeating: 0, count: written - SegmentHeader.size)
        _ = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, off_t(SegmentHeader.size)) }
        close(fd)
        let seed = open(corpus + "/segment-\(index)", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        _ = bytes.withUnsafeBytes { write(seed, $0.baseAddress, $0.count) }
        close(seed)
        for name in (try? PosixFileSystem().listDirectory(directory)) ?? [] { unlink(directory + "/" + name) }
        rmdir(directory)
    }
    return 0
}

/// Gives every frame a correct segment id and checksum, following the length fields as far as they lead.
private func fixUpFrames(_ bytes: inout [UInt8]) {
    bytes.withUnsafeMutableBytes { raw in
        guard let base = raw.baseAddress else { return }
        var offset = 0
        while offset + FrameLayout.headerSize <= raw.count {
            let length = Int(UInt32(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
            guard length >= FrameLayout.headerSize, length % FrameLayout.alignment == 0, offset + length <= raw.count else { return }
            base.storeBytes(of: UInt32(1).littleEndian, toByteOffset: offset + 16, as: UInt32.self)
            FrameHeader.sealCRC(frame: base + offset, length: length)
            offset += length
        }
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let capacity = 64 * 1024
    let body = UnsafeRawBufferPointer(start: data, count: min(size, capacity - SegmentHeader.size))
    // The raw parser first: every frame check and record walk over arbitrary bytes.
    if let base = body.baseAddress {
        var offset = 0
        while offset < body.count {
            guard case .valid(let header) = FrameParser.check(base, size: body.count, offset: offset, segmentID: 1) else { break }
            if header.type == FrameType.data.rawValue {
                if header.flags & FrameLayout.compressedFlag != 0 {
                    if let inflated = FrameParser.inflate(base, frameOffset: offset, header: header, limit: 1 << 22) {
                        _ = FrameParser.forEachRecord(
                            UnsafeRawPointer(inflated.baseAddress!), start: 0, end: inflated.count,
                            count: header.recordCount
                        ) { _, _, _, _ in }
                        inflated.deallocate()
                    }
                } else {
                    let (start, end) = FrameParser.bodyRange(frameOffset: offset, header: header)
                    _ = FrameParser.forEachRecord(base, start: start, end: end, count: header.recordCount) { _, _, _, _ in }
                }
            }
            offset += Int(header.length)
        }
    }
    // Then recovery and reads over a segment file holding those bytes.
    let path = fuzzDirectory + "/" + Segment.fileName(id: 1)
    var file = SegmentHeader(segmentID: 1, basePosition: 0, capacity: UInt64(capacity)).encode()
    var frames = Array(body)
    fixUpFrames(&frames)
    file += frames
    file += [UInt8](repeating: 0, count: capacity - file.count)
    let fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0o644)
    _ = file.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    close(fd)
    var configuration = WALConfiguration(
        segmentSize: capacity, syncPolicy: .none, preallocation: .sparse,
        prepareSegmentsInBackground: false)
    configuration.maxBatchDelayNanoseconds = 0
    if let log = try? WriteAheadLog.open(directory: fuzzDirectory, configuration: configuration) {
        for position in 0..<min(log.endPosition, 10_000) { _ = try? log.read(at: position) }
        let cursor = log.cursor()
        while case .some(.some) = try? cursor.next() {}
        try? log.close()
    }
    for name in (try? PosixFileSystem().listDirectory(fuzzDirectory)) ?? [] where name != "LOCK" {
        unlink(fuzzDirectory + "/" + name)
    }
    return 0
}
