import Glibc

/// A condition variable that waits on a ``ConditionLock``'s mutex, with timed waits on the
/// monotonic clock. A lock can have several, one per thing waited for, so that a broadcast wakes
/// only the threads that can act on it: the group commit gives each pending group its own, and
/// the followers of one group are not woken by the next group's hand-off (with 32 writers on two
/// cores, every needless wake-up costs a context switch on the commit's critical path).
final class LockCondition: @unchecked Sendable {
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

    init() {
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        pthread_cond_init(condition, &attributes)
        pthread_condattr_destroy(&attributes)
    }

    deinit {
        pthread_cond_destroy(condition)
        condition.deallocate()
    }

    /// Waits for a signal; `lock` must be held by the caller.
    func wait(on lock: ConditionLock) { pthread_cond_wait(condition, lock.mutex) }

    /// Waits for a signal or until `deadline` (monotonic nanoseconds); `lock` must be held.
    func wait(on lock: ConditionLock, untilMonotonicNanos deadline: UInt64) {
        var spec = timespec(tv_sec: Int(deadline / 1_000_000_000), tv_nsec: Int(deadline % 1_000_000_000))
        pthread_cond_timedwait(condition, lock.mutex, &spec)
    }

    /// Wakes one waiter, if any.
    func signal() { pthread_cond_signal(condition) }
    /// Wakes every waiter.
    func broadcast() { pthread_cond_broadcast(condition) }
}
