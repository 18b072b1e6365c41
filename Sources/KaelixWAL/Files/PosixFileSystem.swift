import CKaelixSupport
import Glibc

/// The real file system, through Glibc system calls. EINTR is retried.
public final class PosixFileSystem: WALFileSystem {
    public init() {}

    public func openFile(_ path: String, create: Bool) throws -> Int32 {
        let flags = O_RDWR | O_CLOEXEC | (create ? (O_CREAT | O_EXCL) : 0)
        while true {
            let fd = open(path, flags, 0o644)
            if fd >= 0 { return fd }
            if errno != EINTR { throw SystemCallError(call: "open", errno: errno) }
        }
    }

    public func closeFile(_ fd: Int32) { _ = close(fd) }

    public func write(_ fd: Int32, _ buffer: UnsafeRawBufferPointer, at offset: Int64) throws -> Int {
        while true {
            let n = pwrite(fd, buffer.baseAddress, buffer.count, off_t(offset))
            if n >= 0 { return n }
            if errno != EINTR { throw SystemCallError(call: "pwrite", errno: errno) }
        }
    }

    public func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) throws -> Int {
        while true {
            let n = pread(fd, buffer.baseAddress, buffer.count, off_t(offset))
            if n >= 0 { return n }
            if errno != EINTR { throw SystemCallError(call: "pread", errno: errno) }
        }
    }

    public func dataSync(_ fd: Int32) throws {
        // Never retry a failed sync: after an error the kernel may have dropped the dirty pages,
        // so a later success would lie (PostgreSQL's "fsyncgate").
        if fdatasync(fd) != 0 { throw SystemCallError(call: "fdatasync", errno: errno) }
    }

    public func allocate(_ fd: Int32, offset: Int64, length: Int64) throws {
        let result = kaelix_fallocate(fd, offset, length)
        if result == 0 { return }
        if result == EOPNOTSUPP {
            let fallback = posix_fallocate(fd, off_t(offset), off_t(length))
            if fallback == 0 { return }
            throw SystemCallError(call: "posix_fallocate", errno: fallback)
        }
        throw SystemCallError(call: "fallocate", errno: result)
    }

    public func truncate(_ fd: Int32, to length: Int64) throws {
        while ftruncate(fd, off_t(length)) != 0 {
            if errno != EINTR { throw SystemCallError(call: "ftruncate", errno: errno) }
        }
    }

    public func fileSize(_ fd: Int32) throws -> Int64 {
        var info = stat()
        if fstat(fd, &info) != 0 { throw SystemCallError(call: "fstat", errno: errno) }
        return Int64(info.st_size)
    }

    public func syncDirectory(_ path: String) throws {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd < 0 { throw SystemCallError(call: "open(directory)", errno: errno) }
        defer { _ = close(fd) }
        if fsync(fd) != 0 { throw SystemCallError(call: "fsync(directory)", errno: errno) }
    }

    public func rename(_ from: String, to: String) throws {
        if Glibc.rename(from, to) != 0 { throw SystemCallError(call: "rename", errno: errno) }
    }

    public func removeFile(_ path: String) throws {
        if unlink(path) != 0 { throw SystemCallError(call: "unlink", errno: errno) }
    }

    public func listDirectory(_ path: String) throws -> [String] {
        guard let dir = opendir(path) else { throw SystemCallError(call: "opendir", errno: errno) }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) { pointer in
                pointer.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    public func createDirectory(_ path: String) throws {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/") {
            prefix += component
            if mkdir(prefix, 0o755) != 0 && errno != EEXIST {
                throw SystemCallError(call: "mkdir", errno: errno)
            }
            prefix += "/"
        }
    }
}
