import Glibc

/// The bytes of a segment file as one contiguous region: a read-only shared mapping, or — the
/// pread fallback, when mapping fails (a map-count limit, a file system without mmap) or is turned
/// off — a private copy read with pread and kept in step with the log's own writes. Released when
/// the last reference goes, so a reader that holds a segment keeps its bytes valid even if
/// retention drops the segment meanwhile.
final class MappedRegion: @unchecked Sendable {
    let base: UnsafeRawPointer
    let length: Int
    /// True when this is a pread copy rather than a mapping.
    let isCopy: Bool

    /// Maps `length` bytes of `fd` (or copies them with pread when `preferCopy`, or when mapping
    /// fails). The region outlives the descriptor.
    init(fd: Int32, length: Int, path: String, fileSystem: any WALFileSystem, preferCopy: Bool = false) throws {
        guard length > 0 else { throw WALError.corruption(path: path, offset: 0, reason: "segment file is empty") }
        self.length = length
        if !preferCopy, let pointer = mmap(nil, length, PROT_READ, MAP_SHARED, fd, 0), pointer != MAP_FAILED {
            base = UnsafeRawPointer(pointer)
            isCopy = false
            return
        }
        let copy = UnsafeMutableRawPointer.allocate(byteCount: length, alignment: 16)
        copy.initializeMemory(as: UInt8.self, repeating: 0, count: length)
        do {
            _ = try fileSystem.readFully(fd, into: UnsafeMutableRawBufferPointer(start: copy, count: length), at: 0)
        } catch {
            copy.deallocate()
            throw error.walError(path: path)
        }
        base = UnsafeRawPointer(copy)
        isCopy = true
    }

    deinit {
        if isCopy { UnsafeMutableRawPointer(mutating: base).deallocate() } else { munmap(UnsafeMutableRawPointer(mutating: base), length) }
    }

    /// Keeps a pread copy in step with bytes the log wrote at `offset` (a mapping sees them anyway).
    func mirror(_ bytes: UnsafeRawBufferPointer, at offset: Int) {
        guard isCopy, let source = bytes.baseAddress, offset >= 0, offset + bytes.count <= length else { return }
        UnsafeMutableRawPointer(mutating: base + offset).copyMemory(from: source, byteCount: bytes.count)
    }

    /// Keeps a pread copy in step with a truncation to `offset` (the file reads zeros past it).
    func mirrorTruncation(at offset: Int) {
        guard isCopy, offset < length else { return }
        UnsafeMutableRawPointer(mutating: base + offset).initializeMemory(as: UInt8.self, repeating: 0, count: length - offset)
    }

    /// Before a front-to-back scan (recovery): read ahead aggressively, so a cold segment streams
    /// from disk instead of faulting in one page at a time.
    func adviseSequentialScan() {
        guard !isCopy else { return }
        _ = madvise(UnsafeMutableRawPointer(mutating: base), length, MADV_SEQUENTIAL)
        _ = madvise(UnsafeMutableRawPointer(mutating: base), length, MADV_WILLNEED)
    }

    /// After the scan: back to the default policy for reads by position.
    func adviseNormal() {
        guard !isCopy else { return }
        _ = madvise(UnsafeMutableRawPointer(mutating: base), length, MADV_NORMAL)
    }
}
