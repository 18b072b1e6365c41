/// The identifier of a named stream inside one log. Stream 0 is the default stream, which always
/// exists and has the empty name.
public struct StreamID: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let rawValue: UInt32
    /// The stream with id `rawValue` (0 is the default stream).
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public static let `default` = StreamID(rawValue: 0)
    public static func < (a: StreamID, b: StreamID) -> Bool { a.rawValue < b.rawValue }
    public var description: String { "stream#\(rawValue)" }
}

/// What the log remembers about one stream: its name and where its records are, as runs of
/// consecutive log positions. Sequence numbers count the stream's records from its creation;
/// after retention (and a restart) they continue from the first retained segment's stream table. A
/// stream written in batches costs one 16-byte run per batch (the first held inline), and an
/// inactive stream holds no file descriptor, mapping or buffer.
final class StreamState {
    struct Run {
        var firstPosition: UInt64
        var firstSequence: UInt64
    }

    /// The runs, the first one held inline: most streams have one run (or none), and an array
    /// would cost a heap allocation of ~64 bytes for it (``memory per inactive stream``).
    struct RunList {
        private var head: Run?
        private var tail: [Run] = []
        var count: Int { head == nil ? 0 : 1 + tail.count }
        var isEmpty: Bool { head == nil }
        var first: Run? { head }
        subscript(index: Int) -> Run { index == 0 ? head! : tail[index - 1] }
        mutating func append(_ run: Run) {
            if head == nil { head = run } else { tail.append(run) }
        }
        mutating func removeFirst() { head = tail.isEmpty ? nil : tail.removeFirst() }
    }

    let id: StreamID
    let name: String
    private(set) var runs = RunList()
    private(set) var count: UInt64 = 0
    private var lastPosition: UInt64 = .max

    init(id: StreamID, name: String) {
        self.id = id
        self.name = name
    }

    /// Adds `records` consecutive records from log position `first` on: one run, or an extension
    /// of the last one when they follow it.
    func append(first: UInt64, records: UInt64) {
        guard records > 0 else { return }
        if count == 0 || first != lastPosition &+ 1 {
            runs.append(Run(firstPosition: first, firstSequence: count))
        }
        lastPosition = first + records - 1
        count += records
    }

    /// Starts the numbering at `base` (records that retention removed before the log was opened);
    /// only before the first record is indexed.
    func setSequenceBase(_ base: UInt64) {
        if count == 0 && runs.isEmpty { count = base }
    }

    /// The first sequence number still indexed (earlier records were removed by retention).
    var firstIndexedSequence: UInt64 { runs.first?.firstSequence ?? count }

    /// The log position of this stream's `sequence`-th record (0-based), or nil past the end.
    /// A sequence below ``firstIndexedSequence`` was removed: the caller must check first.
    func position(ofSequence sequence: UInt64) -> UInt64? {
        guard sequence < count, sequence >= firstIndexedSequence else { return nil }
        var low = 0
        var high = runs.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if runs[mid].firstSequence <= sequence { low = mid } else { high = mid - 1 }
        }
        return runs[low].firstPosition + (sequence - runs[low].firstSequence)
    }

    /// The stream sequence number of the first record at or after log position `position`.
    func firstSequence(atOrAfter position: UInt64) -> UInt64 {
        var low = 0
        var high = runs.count
        while low < high {  // first run whose first position is > position
            let mid = (low + high) / 2
            if runs[mid].firstPosition <= position { low = mid + 1 } else { high = mid }
        }
        if low == 0 { return firstIndexedSequence }
        let run = runs[low - 1]
        let runEnd = low < runs.count ? runs[low].firstSequence : count
        let offset = position - run.firstPosition
        return min(run.firstSequence + offset, runEnd)
    }

    /// Drops the runs that lie wholly below `position` (after retention).
    func forget(below position: UInt64) {
        while runs.count > 1, runs[1].firstPosition <= position { runs.removeFirst() }
    }
}
