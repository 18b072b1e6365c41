/// The records area of one compressed frame, inflated. Whoever reads from it holds the object,
/// so an eviction from ``InflatedFrameCache`` never frees bytes a reader is still using.
final class InflatedFrame: @unchecked Sendable {
    let bytes: UnsafeMutableRawBufferPointer

    init(bytes: UnsafeMutableRawBufferPointer) { self.bytes = bytes }

    deinit { bytes.deallocate() }
}

/// A log's inflated compressed frames, bounded in bytes: opening or writing a compressed log
/// never inflates it into memory wholesale. Frames are inflated on the first read that needs them
/// and evicted oldest first once the budget is spent (``WALConfiguration/inflatedCacheBytes``);
/// opening and publishing inflate a frame only to index it and do not keep the copy.
///
/// Memory held is at most the budget plus one frame per reader (a cursor, or a read in progress).
final class InflatedFrameCache: @unchecked Sendable {
    private struct Key: Hashable {
        var segmentID: UInt64
        var offset: Int
    }

    let budget: Int
    private let lock = ConditionLock()
    private var frames: [Key: InflatedFrame] = [:]
    private var order: [Key] = []
    private var orderStart = 0
    private(set) var bytesHeld = 0

    init(budget: Int) { self.budget = budget }

    /// The cached frame at `offset` of segment `segmentID`, or the result of `inflate` (cached
    /// when it fits the budget). Nil when `inflate` fails.
    func frame(segmentID: UInt64, offset: Int, inflate: () -> UnsafeMutableRawBufferPointer?) -> InflatedFrame? {
        let key = Key(segmentID: segmentID, offset: offset)
        if let cached = lock.withLock({ frames[key] }) { return cached }
        // Inflate outside the lock: readers of other frames do not wait for this one.
        guard let bytes = inflate() else { return nil }
        let frame = InflatedFrame(bytes: bytes)
        guard bytes.count <= budget else { return frame }
        return lock.withLock {
            if let raced = frames[key] { return raced }
            while bytesHeld + bytes.count > budget, orderStart < order.count {
                let oldest = order[orderStart]
                orderStart += 1
                if let evicted = frames.removeValue(forKey: oldest) { bytesHeld -= evicted.bytes.count }
            }
            if orderStart > 1024 && orderStart * 2 > order.count {
                order.removeFirst(orderStart)
                orderStart = 0
            }
            frames[key] = frame
            order.append(key)
            bytesHeld += bytes.count
            return frame
        }
    }
}
