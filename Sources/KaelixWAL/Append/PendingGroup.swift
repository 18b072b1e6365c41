import CKaelixSupport

/// The frames waiting for the next group commit, encoded back to back in one buffer, and the
/// result each appender receives once the leader has written (and, by policy, synced) them.
final class PendingGroup {
    struct Frame {
        var offset: Int
        var length: Int
        var recordCount: Int
        var type: FrameType
        /// How many records of the group come before this frame's: its position is the group's
        /// ``PendingGroup/basePosition`` plus this, since a group's frames take positions in order.
        var firstRecord: Int
        /// What the encoder already knows of the records, so publishing need not walk them again
        /// (nil: walk them).
        var index: FrameIndex? = nil
    }

    /// The index of a data frame whose records all belong to one stream, known when it was
    /// encoded: the stream, and where in the group's ``checkpointOffsets`` its own lie (the offset
    /// from the body's start of every ``Segment/checkpointStride``-th record after the first — the
    /// 8th, the 16th, … — since the first record's is the body's start). Plain values, so that a
    /// frame holds no reference, and a frame of up to a stride of records stores no offset at all:
    /// a single append retains, releases and appends to no array.
    struct FrameIndex {
        var stream: UInt32
        var checkpoints: Range<Int>
    }

    let buffer: WriteBuffer
    var frames: [Frame] = []
    /// The checkpoint offsets of every indexed frame of the group, back to back (``FrameIndex``):
    /// one array kept from group to group, so a batch allocates none.
    var checkpointOffsets: [UInt32] = []
    var recordCount = 0
    /// The position of the group's first record, set by the leader when it writes the group. A
    /// failure stops a group commit: the frames from `failedFrom` on all get `failure` (a base
    /// position and one error rather than an array of `Result`s, whose upkeep cost ~300
    /// instructions an append, or of positions, ~60 more).
    var basePosition: UInt64 = 0
    var failedFrom = Int.max
    var failure: WALError?

    /// The outcome of frame `index`, once the group is done.
    func result(_ index: Int) -> Result<UInt64, WALError> {
        index < failedFrom ? .success(basePosition + UInt64(frames[index].firstRecord)) : .failure(failure ?? .closed)
    }

    /// Fails the frames from `index` on with `error`.
    func fail(from index: Int, _ error: WALError) {
        failedFrom = index
        failure = error
    }
    /// Whether the outcomes are final (``finish()`` was called): the same word the followers sleep on.
    var done: Bool { kaelix_event_load(state) == State.done.rawValue }
    /// What the group's followers sleep on, without the commit lock: ``State``; and how many sleep.
    private let state = UnsafeMutablePointer<UInt32>.allocate(capacity: 1)
    private let sleepers = UnsafeMutablePointer<UInt32>.allocate(capacity: 1)

    /// The values of `state`.
    enum State: UInt32 {
        case waiting = 0
        /// The outcomes are final: followers read theirs and return, taking no lock.
        case done = 1
        /// The leader left while this group waited: one follower should take the commit lock and lead.
        case leadOffered = 2
    }

    init(buffer: WriteBuffer) {
        self.buffer = buffer
        state.initialize(to: State.waiting.rawValue)
        sleepers.initialize(to: 0)
    }

    deinit {
        state.deallocate()
        sleepers.deallocate()
    }

    /// Marks the group done and wakes all its followers. Called with the commit lock held, after
    /// the outcomes are set (they are read after the followers see this).
    func finish() {
        kaelix_event_set(state, State.done.rawValue, sleepers, -1)
    }

    /// Asks one follower to lead (the leader is leaving and this group is pending).
    func offerLead() {
        kaelix_event_set(state, State.leadOffered.rawValue, sleepers, 1)
    }

    /// Sleeps, without the commit lock, until the group is done (true) or the leadership is
    /// offered to its followers (false; the caller takes the commit lock and looks again).
    func sleepUntilDoneOrOffered() -> Bool {
        while true {
            let seen = kaelix_event_load(state)
            if seen == State.done.rawValue { return true }
            if seen == State.leadOffered.rawValue {
                // Back to waiting, so that the other followers sleep on; if the group was done
                // meanwhile, the exchange fails and the caller sees `done` under the lock.
                _ = kaelix_event_exchange(state, State.leadOffered.rawValue, State.waiting.rawValue)
                return false
            }
            kaelix_event_sleep(state, seen, sleepers)
        }
    }

    /// Empties a flushed group for reuse, keeping its arrays' capacity.
    func reset() {
        frames.removeAll(keepingCapacity: true)
        if !checkpointOffsets.isEmpty { checkpointOffsets.removeAll(keepingCapacity: true) }
        failedFrom = .max
        failure = nil
        recordCount = 0
        kaelix_event_store(state, State.waiting.rawValue)
        buffer.count = 0
    }
}
