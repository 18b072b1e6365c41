/// A record read back from the log: its position, its stream and a copy of its payload.
public struct WALRecord: Sendable, Equatable {
    /// The record's log position: dense and unique across all streams, starting at 0.
    public let position: UInt64
    public let stream: StreamID
    public let payload: [UInt8]

    /// A record at `position` of `stream`.
    public init(position: UInt64, stream: StreamID, payload: [UInt8]) {
        self.position = position
        self.stream = stream
        self.payload = payload
    }
}

/// A record seen without copying: `payload` points into the segment's mapping and is valid only
/// inside the closure it was passed to.
public struct WALRecordView {
    public let position: UInt64
    public let stream: StreamID
    public let payload: UnsafeRawBufferPointer
}

/// One record to append: which stream, and its bytes.
public struct WALEntry: Sendable, Equatable {
    public var stream: StreamID
    public var payload: [UInt8]
    /// An entry of a multi-stream batch or transaction.
    public init(stream: StreamID = .default, payload: [UInt8]) {
        self.stream = stream
        self.payload = payload
    }
}

/// What opening the log found and did. Recovery never drops data silently: anything truncated is
/// listed here, and damage that could not be a torn write stops the open with an error instead.
public struct RecoveryReport: Sendable, Equatable, CustomStringConvertible {
    /// Segment files found.
    public var segmentCount = 0
    /// Segments below the manifest's lowest: an interrupted retention, finished by this open.
    public var completedRetention: [String] = []
    /// Sealed segments trusted through their seal frame (their checksums are checked lazily, on first read).
    public var sealedSegmentsTrusted = 0
    /// Of those, the segments opened from their index file (`<id>.kidx`) instead of walking their frames.
    public var sealedSegmentsFromIndex = 0
    /// Records in the log after recovery.
    public var recordCount: UInt64 = 0
    /// Bytes of the unsealed tail that were scanned and checksummed.
    public var tailBytesScanned = 0
    /// Whether the log was opened read-only: what a writer's open would cut or delete is reported
    /// here but left on disk.
    public var readOnly = false
    /// Where a torn tail was cut (file and offset), if one was (or, read-only, would be).
    public var truncatedFile: String?
    public var truncatedAtOffset: Int64?
    /// How many bytes after the cut held partial or unverifiable frames.
    public var truncatedBytes = 0
    /// Why the tail was cut.
    public var truncationReason: String?
    /// Whether the cut dropped a frame that was written whole but damaged afterwards, which only
    /// ``WALConfiguration/DamagedTail/discard`` allows: records acknowledged before may be lost.
    public var discardedDamage = false
    /// Leftover temporary files of an interrupted segment creation that were removed.
    public var removedTemporaryFiles: [String] = []
    /// Wall time of the open, in nanoseconds.
    public var durationNanoseconds: UInt64 = 0

    public var description: String {
        var text =
            "recovered \(recordCount) records from \(segmentCount) segment(s) "
            + "(\(sealedSegmentsTrusted) sealed, \(sealedSegmentsFromIndex) of them from their index, "
            + "\(tailBytesScanned) tail bytes checked) in "
            + "\(Double(durationNanoseconds) / 1e6) ms"
        if let file = truncatedFile, let offset = truncatedAtOffset {
            text +=
                discardedDamage
                ? "; DISCARDED a damaged frame and what followed it in \(file) at offset \(offset) "
                    + "(\(truncationReason ?? "invalid frame")); "
                    + "records acknowledged before the damage may be lost"
                : "; truncated a torn tail in \(file) at offset \(offset) (\(truncationReason ?? "invalid frame"))"
            if readOnly { text += ", left on disk (opened read-only)" }
        }
        if !removedTemporaryFiles.isEmpty {
            text += "; removed \(removedTemporaryFiles.count) unfinished segment file(s)"
        }
        return text
    }
}
