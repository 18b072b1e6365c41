/// An atomic group of appends, possibly across streams: begin, append, then commit or abort.
///
/// Records are buffered in memory until ``commit()``, which writes them as one frame under one
/// checksum. So a committed transaction becomes visible in one step and survives a crash whole;
/// a transaction that is aborted, abandoned, or torn by a crash mid-write never appears in a read
/// or a replay. Its size is limited by one segment (``WALError/recordTooLarge(bytes:limit:)``).
public final class WALTransaction {
    private let log: WriteAheadLog
    private var entries: [WALEntry] = []
    private var finished = false

    init(log: WriteAheadLog) { self.log = log }

    /// Number of records appended so far.
    public var count: Int { entries.count }

    /// Adds a record to the transaction (nothing is written yet).
    public func append(_ payload: [UInt8], to stream: StreamID = .default) throws {
        guard !finished else { throw WALError.transactionFinished }
        entries.append(WALEntry(stream: stream, payload: payload))
    }

    /// Writes all records atomically and returns their positions.
    @discardableResult
    public func commit() throws -> Range<UInt64> {
        guard !finished else { throw WALError.transactionFinished }
        finished = true
        let result = try log.append(entries: entries, transactional: true)
        entries.removeAll()
        return result
    }

    /// Discards the transaction; nothing of it is ever written.
    public func abort() {
        finished = true
        entries.removeAll()
    }
}

extension WriteAheadLog {
    /// Begins a transaction; see ``WALTransaction``.
    public func beginTransaction() -> WALTransaction { WALTransaction(log: self) }
}
