import Glibc

/// A pthread mutex with a condition variable whose timed waits use the monotonic clock.
/// The WAL's commit pipeline needs both, and `Synchronization.Mutex` offers no condition.
/// More conditions on the same mutex are ``LockCondition``s, so that a signal wakes only the
/// threads waiting for that one thing.
final class ConditionLock: @unchecked Sendable {
    /// The mutex, for the ``LockCondition``s that wait on it.
    let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = LockCondition()

    init() {
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    @inline(__always) func lock() { pthread_mutex_lock(mutex) }
    @inline(__always) func unlock() { pthread_mutex_unlock(mutex) }
    /// Takes the mutex if it is free; returns whether it did.
    func tryLock() -> Bool { pthread_mutex_trylock(mutex) == 0 }

    @inline(__always) func withLock<R>(_ body: () throws -> R) rethrows -> R {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body()
    }

    /// Waits for a signal on the lock's own condition; the mutex must be held.
    func wait() { condition.wait(on: self) }

    /// Waits for a signal on the lock's own condition or until `deadline` (monotonic
    /// nanoseconds); the mutex must be held.
    func wait(untilMonotonicNanos deadline: UInt64) { condition.wait(on: self, untilMonotonicNanos: deadline) }

    func signal() { condition.signal() }
    func broadcast() { condition.broadcast() }
}

/// Monotonic clock in nanoseconds.
@inline(__always)
func monotonicNanos() -> UInt64 {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
}
