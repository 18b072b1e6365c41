import Glibc

/// The file operations the WAL performs, as one swappable layer.
///
/// Production uses ``PosixFileSystem``. Tests substitute ``FaultInjectingFileSystem`` to fail the
/// Nth write or sync, write short, run out of space, and simulate a power loss that drops what
/// was never synced. Descriptors are real file descriptors in both, so segments can be mapped.
/// Every method throws ``SystemCallError``; the WAL adds the path and turns it into a ``WALError``.
public protocol WALFileSystem: AnyObject, Sendable {
    /// Opens `path` for reading and writing, creating it (exclusively) when `create` is true.
    func openFile(_ path: String, create: Bool) throws -> Int32
    func closeFile(_ fd: Int32)
    /// Writes up to `buffer.count` bytes at `offset`; returns how many were written (may be fewer).
    func write(_ fd: Int32, _ buffer: UnsafeRawBufferPointer, at offset: Int64) throws -> Int
    /// Reads up to `buffer.count` bytes at `offset`; returns how many were read (0 at end of file).
    func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) throws -> Int
    /// `fdatasync(2)`: makes the file's data (and its size) durable.
    func dataSync(_ fd: Int32) throws
    /// Reserves blocks for `[offset, offset + length)` so later writes cannot hit ENOSPC.
    func allocate(_ fd: Int32, offset: Int64, length: Int64) throws
    func truncate(_ fd: Int32, to length: Int64) throws
    func fileSize(_ fd: Int32) throws -> Int64
    /// `fsync(2)` of a directory, so that files created, renamed or removed in it survive power loss.
    func syncDirectory(_ path: String) throws
    func rename(_ from: String, to: String) throws
    func removeFile(_ path: String) throws
    /// Names of the entries of a directory (not `.` or `..`).
    func listDirectory(_ path: String) throws -> [String]
    /// Creates a directory and its parents when they are missing.
    func createDirectory(_ path: String) throws
}

extension WALFileSystem {
    /// Opens `path` for reading only (a read-only open of the log needs no write access).
    func openFileReadOnly(_ path: String) throws -> Int32 {
        while true {
            let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
            if fd >= 0 { return fd }
            if errno != EINTR { throw SystemCallError(call: "open", errno: errno) }
        }
    }

    /// The parts of `[start, end)` of the file open as `fd` that may hold data, in order: holes and
    /// preallocated extents never written (`fallocate`), which read as zeros, are left out
    /// (`lseek` with `SEEK_DATA`/`SEEK_HOLE`), so that a scan for non-zero bytes after the end of
    /// the log need not fault in a hundred megabytes of zeros. The whole range where the file
    /// system cannot tell, or the descriptor is closed.
    func dataRegions(_ fd: Int32, from start: Int, to end: Int) -> [Range<Int>] {
        guard fd >= 0, start < end else { return start < end ? [start..<end] : [] }
        // Linux's values (Glibc's module does not export them): SEEK_DATA 3, SEEK_HOLE 4.
        let seekData: Int32 = 3
        let seekHole: Int32 = 4
        var regions: [Range<Int>] = []
        var position = start
        while position < end {
            let data = lseek(fd, off_t(position), seekData)
            if data < 0 {
                if errno != ENXIO { regions.append(position..<end) }  // ENXIO: nothing but holes to the end
                break
            }
            guard Int(data) < end else { break }
            let hole = lseek(fd, data, seekHole)
            let regionEnd = hole > data ? min(end, Int(hole)) : end
            regions.append(Int(data)..<regionEnd)
            position = regionEnd
            if regions.count >= 1024, position < end {
                // A badly fragmented file: scan the rest rather than ask the kernel extent by extent.
                regions.append(position..<end)
                break
            }
        }
        return regions
    }

    /// How many directory entries name the file open as `fd` (0 once it was unlinked).
    func linkCount(_ fd: Int32) -> Int {
        var info = stat()
        return fstat(fd, &info) == 0 ? Int(info.st_nlink) : 1
    }

    /// Writes all of `buffer`, retrying short writes and EINTR.
    public func writeAll(_ fd: Int32, _ buffer: UnsafeRawBufferPointer, at offset: Int64) throws {
        var done = 0
        while done < buffer.count {
            let rest = UnsafeRawBufferPointer(rebasing: buffer[done...])
            let n = try write(fd, rest, at: offset + Int64(done))
            if n <= 0 { throw SystemCallError(call: "pwrite", errno: EIO) }
            done += n
        }
    }

    /// Reads exactly `buffer.count` bytes unless the file ends first; returns the count read.
    public func readFully(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) throws -> Int {
        var done = 0
        while done < buffer.count {
            let rest = UnsafeMutableRawBufferPointer(rebasing: buffer[done...])
            let n = try read(fd, into: rest, at: offset + Int64(done))
            if n == 0 { break }
            done += n
        }
        return done
    }
}
