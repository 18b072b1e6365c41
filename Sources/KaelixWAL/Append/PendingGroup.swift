/// The frames waiting for the next group commit, encoded back to back in one buffer, and the
/// result each appender receives once the leader has written (and, by policy, synced) them.
final class PendingGroup {
    struct Frame {
        var offset: Int
        var length: Int
        var recordCount: Int
        var type: FrameType
    }

    let buffer: WriteBuffer
    var frames: [Frame] = []
    var recordCount = 0
    /// The first position of each frame, or the error that kept it from being written.
    var results: [Result<UInt64, WALError>] = []
    var done = false

    init(buffer: WriteBuffer) { self.buffer = buffer }
}
