// libFuzzer entry for the WAL's segment parser and recovery. Built by scripts/fuzz_wal.sh into the
// same module as the WAL sources, so it reaches the internal parser as well as the public API.
//
// Each input becomes the body of segment 1 (after a valid header): the log is opened (recovery
// runs), every record is read by position and by cursor, and the log is closed. Any crash, any
// overread (AddressSanitizer) or an allocation past libFuzzer's -malloc_limit_mb is a bug.
import Glibc

private let fuzzDirectory: String = {
    let path = "/dev/shm/kaelix-fuzz-\(getpid())"
    mkdir(path, 0o755)
    return path
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let capacity = 64 * 1024
    let body = UnsafeRawBufferPointer(start: data, count: min(size, capacity - SegmentHeader.size))
    // The raw parser first: every frame check and record walk over arbitrary bytes.
    if let base = body.baseAddress {
        var offset = 0
        while offset < body.count {
            guard case let .valid(header) = FrameParser.check(base, size: body.count, offset: offset, segmentID: 1) else { break }
            if header.type == FrameType.data.rawValue {
                if header.flags & FrameLayout.compressedFlag != 0 {
                    if let inflated = FrameParser.inflate(base, frameOffset: offset, header: header, limit: 1 << 22) {
                        _ = FrameParser.forEachRecord(UnsafeRawPointer(inflated.baseAddress!), start: 0, end: inflated.count,
                                                      count: header.recordCount) { _, _, _ in }
                        inflated.deallocate()
                    }
                } else {
                    let (start, end) = FrameParser.bodyRange(frameOffset: offset, header: header)
                    _ = FrameParser.forEachRecord(base, start: start, end: end, count: header.recordCount) { _, _, _ in }
                }
            }
            offset += Int(header.length)
        }
    }
    // Then recovery and reads over a segment file holding those bytes.
    let path = fuzzDirectory + "/" + Segment.fileName(id: 1)
    var file = SegmentHeader(segmentID: 1, basePosition: 0, capacity: UInt64(capacity)).encode()
    file += Array(body)
    file += [UInt8](repeating: 0, count: capacity - file.count)
    let fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0o644)
    _ = file.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    close(fd)
    var configuration = WALConfiguration(segmentSize: capacity, syncPolicy: .none, preallocation: .sparse,
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
