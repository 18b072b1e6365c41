import Foundation

extension Array where Element: Sendable {
    /// `transform` applied to every element on all of the machine's cores, results in order. For
    /// CPU-bound work on independent elements (decoding notes, analysing series); `transform` must
    /// be safe to call concurrently.
    public func concurrentMap<T: Sendable>(_ transform: @Sendable (Element) -> T) -> [T] {
        guard count > 1 else { return map(transform) }
        let slots = ResultSlots<T>(count: count)
        let chunks = Swift.max(1, Swift.min(count, ProcessInfo.processInfo.activeProcessorCount * 4))
        withUnsafeBufferPointer { buffer in
            nonisolated(unsafe) let elements = buffer
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                for index in stride(from: chunk, to: elements.count, by: chunks) {
                    slots.buffer[index] = transform(elements[index])
                }
            }
        }
        return slots.buffer.map { $0! }
    }
}

/// One slot per result of ``Swift/Array/concurrentMap(_:)``: each is written by exactly one
/// iteration and read after all of them end — a buffer, not an Array property, so concurrent
/// writes to distinct slots do not conflict.
private final class ResultSlots<T>: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<T?>

    init(count: Int) {
        buffer = .allocate(capacity: count)
        buffer.initialize(repeating: nil)
    }

    deinit {
        buffer.deinitialize()
        buffer.deallocate()
    }
}
