import Glibc

/// A read-only shared mapping of a file. Unmapped when the last reference goes, so a reader that
/// holds a segment keeps its bytes valid even if retention drops the segment meanwhile.
final class MappedRegion: @unchecked Sendable {
    let base: UnsafeRawPointer
    let length: Int

    /// Maps `length` bytes of `fd` from offset 0. The mapping outlives the descriptor.
    init(fd: Int32, length: Int, path: String) throws(WALError) {
        guard length > 0 else { throw WALError.corruption(path: path, offset: 0, reason: "segment file is empty") }
        let pointer = mmap(nil, length, PROT_READ, MAP_SHARED, fd, 0)
        guard let pointer, pointer != MAP_FAILED else { throw WALError.io(operation: "mmap", path: path, errno: errno) }
        base = UnsafeRawPointer(pointer)
        self.length = length
    }

    deinit { munmap(UnsafeMutableRawPointer(mutating: base), length) }

    /// Before a front-to-back scan (recovery): read ahead aggressively, so a cold segment streams
    /// from disk instead of faulting in one page at a time.
    func adviseSequentialScan() {
        _ = madvise(UnsafeMutableRawPointer(mutating: base), length, MADV_SEQUENTIAL)
        _ = madvise(UnsafeMutableRawPointer(mutating: base), length, MADV_WILLNEED)
    }

    /// After the scan: back to the default policy for reads by position.
    func adviseNormal() { _ = madvise(UnsafeMutableRawPointer(mutating: base), length, MADV_NORMAL) }
}
