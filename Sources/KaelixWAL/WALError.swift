import Glibc

/// Every failure the WAL reports. Each case names what failed, where (file and byte offset when
/// there is one), and what to do about it, so the message can be shown to an operator as is.
public enum WALError: Error, Equatable, CustomStringConvertible, Sendable {
    /// A system call failed. `path` is the file or directory it acted on.
    case io(operation: String, path: String, errno: Int32)
    /// The disk (or a quota) is full. Nothing of the failed append became visible; the log
    /// accepts writes again once space is freed.
    case diskFull(operation: String, path: String)
    /// An earlier fsync/fdatasync failed. After that the kernel may have dropped dirty pages, so the
    /// log acknowledges nothing more and refuses writes until it is reopened (fail-stop).
    case failStopped(cause: String)
    /// Bytes that must be intact are not: a sealed segment, a segment header, or a record in the
    /// middle of the log that was already durable. Recovery never skips such damage silently.
    case corruption(path: String, offset: Int64, reason: String)
    /// A record or transaction does not fit into one segment.
    case recordTooLarge(bytes: Int, limit: Int)
    /// A read asked for a position that has not been written (or made visible) yet.
    case positionNotWritten(position: UInt64, nextPosition: UInt64)
    /// A read asked for a position that retention already removed.
    case positionRemoved(position: UInt64, firstAvailable: UInt64)
    /// A read asked for a stream's record (by sequence number) that retention already removed.
    case sequenceRemoved(stream: String, sequence: UInt64, firstAvailable: UInt64)
    /// A configuration value is out of range.
    case invalidConfiguration(field: String, reason: String)
    /// The named stream has never been created in this log.
    case unknownStream(String)
    /// Another process holds the log directory open.
    case directoryLocked(path: String)
    /// A write (append, stream creation, retention) on a log opened with
    /// ``WriteAheadLog/openReadOnly(directory:configuration:fileSystem:)``.
    case readOnly(path: String)
    /// The log was closed.
    case closed
    /// The transaction was already committed or aborted.
    case transactionFinished
    /// A stored message could not be decoded as a broker message.
    case malformedMessage(reason: String)

    public var description: String {
        switch self {
        case .io(let operation, let path, let code) where code == EFBIG:
            return "\(operation) failed on \(path): the file would exceed a file-size limit (EFBIG). Check `ulimit -f` "
                + "(RLIMIT_FSIZE) and the file system's maximum file size, or use a smaller WALConfiguration.segmentSize."
        case .io(let operation, let path, let code):
            return "\(operation) failed on \(path): \(String(cString: strerror(code))) (errno \(code)). "
                + "Check that the path exists, is writable and that the device is healthy."
        case .diskFull(let operation, let path):
            return "\(operation) on \(path) failed: no space left on the device. Nothing of this append was "
                + "acknowledged or made visible; free space (or drop old segments with truncate(below:)) and retry."
        case .failStopped(let cause):
            return "the log stopped accepting writes after a failed sync (\(cause)). Data not yet synced may be lost "
                + "from the page cache; close and reopen the log to recover from what is on disk."
        case .corruption(let path, let offset, let reason):
            return "corrupt log data in \(path) at byte offset \(offset): \(reason). The log refuses to skip it. "
                + "Restore this segment from a replica or backup, or move it aside to accept losing its records."
        case .recordTooLarge(let bytes, let limit):
            return "a record or transaction of \(bytes) bytes does not fit in one segment (limit \(limit) bytes). "
                + "Split it, or open the log with a larger WALConfiguration.segmentSize."
        case .positionNotWritten(let position, let next):
            return "position \(position) has not been written yet (next position is \(next))."
        case .positionRemoved(let position, let first):
            return "position \(position) was removed by retention; the oldest available position is \(first)."
        case .sequenceRemoved(let stream, let sequence, let first):
            return "record \(sequence) of stream '\(stream)' was removed by retention; its oldest available record is \(first)."
        case .invalidConfiguration(let field, let reason):
            return "invalid WAL configuration: \(field) \(reason)."
        case .unknownStream(let name):
            return "no stream named '\(name)' exists in this log; create it with stream(named:) before reading it."
        case .directoryLocked(let path):
            return "\(path) is already open elsewhere (its LOCK file is held): a writer excludes every other open, and "
                + "read-only opens exclude a writer. Close the other one first; two writers on one log would corrupt it."
        case .readOnly(let path):
            return "the log in \(path) was opened read-only; open it with WriteAheadLog.open to write to it."
        case .closed:
            return "the log is closed; open it again to read or write."
        case .transactionFinished:
            return "this transaction was already committed or aborted; begin a new one."
        case .malformedMessage(let reason):
            return "the stored entry is not a valid broker message: \(reason)."
        }
    }
}

/// A failed system call as the file-system layer reports it: the call's name and its errno.
/// The WAL turns it into a ``WALError`` that also names the file.
public struct SystemCallError: Error, Equatable, Sendable {
    public var call: String
    public var errno: Int32
    /// The failure of system call `call` with `errno`.
    public init(call: String, errno: Int32) {
        self.call = call
        self.errno = errno
    }

    func walError(path: String) -> WALError {
        // EFBIG (a file-size limit: RLIMIT_FSIZE, or the file system's) is not a full disk: freeing
        // space would not help, so it is an I/O error that names its cause.
        if errno == ENOSPC || errno == EDQUOT {
            return .diskFull(operation: call, path: path)
        }
        return .io(operation: call, path: path, errno: errno)
    }
}

extension Error {
    /// This error as a ``WALError`` about `path`. Closures passed through `rethrows` functions
    /// erase typed errors; this recovers the type where that happened.
    func walError(path: String) -> WALError {
        if let error = self as? SystemCallError { return error.walError(path: path) }
        if let error = self as? WALError { return error }
        return .io(operation: "\(self)", path: path, errno: EIO)
    }
}
