import CKaelixSupport
import Glibc
import Synchronization

/// Ownership of a log directory: one writer, or any number of read-only opens, across processes
/// (a POSIX record lock on `<dir>/LOCK`, exclusive or shared, which forked children never inherit
/// and which dies with the process) and within this process (a registry of open directories,
/// since record locks do not conflict inside one process).
final class DirectoryLock {
    /// Open directories: -1 for a writer, else the number of read-only opens.
    private static let open = Mutex<[String: Int]>([:])

    let path: String
    private let shared: Bool
    private var fd: Int32
    private var registered = true

    /// Takes the directory for a writer (`shared` false: creates `LOCK`) or a reader (`shared`
    /// true: needs only read access; a directory without `LOCK`, never opened by a writer of this
    /// version, is read unlocked).
    init(directory: String, shared: Bool = false) throws {
        var resolved = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let key =
            realpath(directory, &resolved) != nil
            ? String(decoding: resolved.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : directory
        let taken = Self.open.withLock { open -> Bool in
            let holders = open[key] ?? 0
            if shared ? holders < 0 : holders != 0 { return false }
            open[key] = shared ? holders + 1 : -1
            return true
        }
        guard taken else { throw WALError.directoryLocked(path: directory) }
        path = key
        self.shared = shared
        let lockPath = directory + "/LOCK"
        let descriptor = shared ? Glibc.open(lockPath, O_RDONLY | O_CLOEXEC) : Glibc.open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        if descriptor < 0 && shared && errno == ENOENT {
            fd = -1
            return
        }
        guard descriptor >= 0 else {
            let code = errno
            Self.unregister(key, shared: shared)
            throw WALError.io(operation: "open", path: lockPath, errno: code)
        }
        let result = kaelix_lock_file(descriptor, shared ? 0 : 1)
        guard result == 0 else {
            _ = Glibc.close(descriptor)
            Self.unregister(key, shared: shared)
            if result == EAGAIN || result == EACCES { throw WALError.directoryLocked(path: directory) }
            throw WALError.io(operation: "fcntl(F_SETLK)", path: lockPath, errno: result)
        }
        fd = descriptor
    }

    private static func unregister(_ key: String, shared: Bool) {
        open.withLock { open in
            let remaining = shared ? (open[key] ?? 1) - 1 : 0
            open[key] = remaining > 0 ? remaining : nil
        }
    }

    /// Gives the directory up (idempotent).
    func release() {
        guard registered else { return }
        registered = false
        if fd >= 0 { _ = Glibc.close(fd) }
        fd = -1
        Self.unregister(path, shared: shared)
    }

    deinit { release() }
}
