import CKaelixSupport
import Foundation
import Glibc
import Testing

/// The C group commit (`floor.sync.group/…`, the floor and control beside the WAL's concurrent
/// writers) writes every record once, in whole checksummed frames, and shares its fdatasyncs.
@Suite struct FloorGroupCommitTests {
    @Test(arguments: [1, 4, 16])
    func everyAppendIsWrittenOnceAndSyncsAreShared(writers: Int) throws {
        let path = NSTemporaryDirectory() + "perfgate-group-\(UUID().uuidString.prefix(8)).dat"
        let fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        try #require(fd >= 0)
        defer {
            close(fd)
            unlink(path)
        }
        let perWriter = 40
        let total = writers * perWriter
        let frameBytes = kaelix_floor_frame_size(64, 1)
        let length = total * frameBytes
        #expect(posix_fallocate(fd, 0, off_t(length + 4096)) == 0)
        let message = [UInt8](repeating: 0x33, count: 64)
        var nanoseconds = [UInt64](repeating: 0, count: total)
        var syncs: UInt64 = 0
        let status = message.withUnsafeBytes { source in
            nanoseconds.withUnsafeMutableBufferPointer {
                kaelix_floor_group_commit(fd, source.baseAddress, 64, writers, perWriter, $0.baseAddress, &syncs)
            }
        }
        #expect(status == 0)
        #expect(nanoseconds.allSatisfy { $0 > 0 }, "every append was timed")
        // One fdatasync per append at most; with one writer, exactly one each.
        #expect(syncs >= 1 && syncs <= UInt64(total))
        if writers == 1 { #expect(syncs == UInt64(total)) }
        // The file holds exactly `total` whole frames whose checksums hold, then zeros.
        let mapped = try #require(mmap(nil, length + 4096, PROT_READ, MAP_SHARED, fd, 0))
        try #require(mapped != MAP_FAILED)
        defer { munmap(mapped, length + 4096) }
        var payload: UInt64 = 0
        #expect(kaelix_floor_scan(mapped, length + 4096, 1, &payload) == Int64(total))
        #expect(payload == UInt64(total * 64))
    }
}
