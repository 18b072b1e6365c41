/// The background thread of ``SyncPolicy/interval(milliseconds:)``: every N ms it fdatasyncs the
/// active segment if anything was written since the last sync. A failed sync stops the log
/// (fail-stop), exactly as a failed sync on the append path does.
final class IntervalSyncer: @unchecked Sendable {
    private unowned let log: WriteAheadLog
    private let intervalNanos: UInt64
    private let lock = ConditionLock()
    private var stopping = false
    private var running = false

    init(log: WriteAheadLog, milliseconds: Int) {
        self.log = log
        intervalNanos = UInt64(milliseconds) * 1_000_000
    }

    func start() {
        lock.withLock { running = true }
        BackgroundThread.spawn { [self] in
            lock.lock()
            while !stopping {
                lock.wait(untilMonotonicNanos: monotonicNanos() + intervalNanos)
                if stopping { break }
                lock.unlock()
                log.syncActiveSegment()
                lock.lock()
            }
            running = false
            lock.broadcast()
            lock.unlock()
        }
    }

    /// Stops the thread and waits for it to finish.
    func stop() {
        lock.lock()
        stopping = true
        lock.broadcast()
        while running { lock.wait() }
        lock.unlock()
    }
}
