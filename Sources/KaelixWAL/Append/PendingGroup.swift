/// The frames waiting for the next group commit, encoded back to back in one buffer, and the
/// result each appender receives once the leader has written (and, by policy, synced) them.
final class PendingGroup {
    struct Frame {
        var offset: Int
        var length: Int
        var recordCount: Int
        var type: FrameType
        /// What the encoder already knows of the records, so publishing need not walk them again
        /// (nil: walk them).
        var index: FrameIndex? = nil
    }

    /// The index of a data frame whose records all belong to one stream, known when it was
    /// encoded: the stream, and the offset from the body's start of every
    /// ``Segment/checkpointStride``-th record (0, 8, 16, …).
    struct FrameIndex {
        var stream: UInt32
        var checkpointOffsets: [UInt32]
    }

    let buffer: WriteBuffer
    var frames: [Frame] = []
    var recordCount = 0
    /// The first position of each frame, or the error that kept it from being written.
    var results: [Result<UInt64, WALError>] = []
    var done = false

    init(buffer: WriteBuffer) { self.buffer = buffer }

    /// Empties a flushed group for reuse, keeping its arrays' capacity.
    func reset() {
        frames.removeAll(keepingCapacity: true)
        results.removeAll(keepingCapacity: true)
        recordCount = 0
        done = false
        buffer.count = 0
    }
}
