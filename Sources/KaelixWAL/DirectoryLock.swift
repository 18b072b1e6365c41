import CKaelixSupport
import Glibc
import Synchronization

/// Exclusive ownership of a log directory: one open log per directory, across processes (a POSIX
/// record lock on `<dir>/LOCK`, which forked children never inherit and which dies with the
/// process) and within this process (a registry of open directories, since record locks do not
/// conflict inside one process).
final class DirectoryLock {
    private static let open = Mutex<Set<String>>([])

    let path: String
    private var fd: Int32

    init(directory: String) throws {
        var resolved = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let key = realpath(directory, &resolved) != nil ? String(cString: resolved) : directory
        let inserted = Self.open.withLock { $0.insert(key).inserted }
        guard inserted else { throw WALError.directoryLocked(path: directory) }
        let lockPath = directory + "/LOCK"
        let descriptor = Glibc.open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            let code = errno
            Self.open.withLock { _ = $0.remove(key) }
            throw WALError.io(operation: "open", path: lockPath, errno: code)
        }
        let result = kaelix_lock_file(descriptor)
        guard result == 0 else {
            _ = Glibc.close(descriptor)
            Self.open.withLock { _ = $0.remove(key) }
            if result == EAGAIN || result == EACCES { throw WALError.directoryLocked(path: directory) }
            throw WALError.io(operation: "fcntl(F_SETLK)", path: lockPath, errno: result)
        }
        path = key
        fd = descriptor
    }

    /// Gives the directory up (idempotent).
    func release() {
        guard fd >= 0 else { return }
        _ = Glibc.close(fd)
        fd = -1
        Self.open.withLock { _ = $0.remove(path) }
    }

    deinit { release() }
}
