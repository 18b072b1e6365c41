import Foundation
import KaelixWAL
import Testing

/// Torn tails and corruption: the checklist items 3 and 4 of shared/notes/reliability-anchors.md.
@Suite struct RecoveryTests {
    /// Truncates the tail segment at every byte offset of its last three frames: recovery keeps
    /// exactly the records wholly before the cut, does so twice in a row, and appends correctly after.
    @Test(arguments: [SyncPolicy.none, .group])
    func tornTailAtEveryByteOffset(policy: SyncPolicy) throws {
        let pristine = TemporaryDirectory()
        defer { pristine.cleanUp() }
        var frameEnds: [(bytes: Int, records: Int)] = []
        var payloads: [[UInt8]] = []
        let configuration = smallConfiguration(policy)
        do {
            let log = try WriteAheadLog.open(directory: pristine.path, configuration: configuration)
            for i in 0..<12 {
                let batch = (0..<(i % 3 + 1)).map { j in [UInt8](repeating: UInt8(i * 10 + j), count: 5 + i * 3 + j) }
                if batch.count == 1 { try log.append(batch[0]) } else { try log.append(batch: batch) }
                payloads += batch
                frameEnds.append((log.tailSegment.writtenBytes, payloads.count))
            }
            try log.close()
        }
        let tailName = URL(fileURLWithPath: pristine.segmentFiles.last!).lastPathComponent
        let original = [UInt8](try Data(contentsOf: URL(fileURLWithPath: pristine.segmentFiles.last!)))
        /// Records whose frames survive a cut: wholly before it, or cut only in zero padding
        /// (which the zero-extended file restores byte for byte).
        func survivors(_ cut: Int) -> Int {
            var count = 0
            for frame in frameEnds {
                if frame.bytes <= cut || original[cut..<frame.bytes].allSatisfy({ $0 == 0 }) { count = frame.records } else { break }
            }
            return count
        }
        let firstCut = frameEnds[frameEnds.count - 4].bytes
        let lastCut = frameEnds[frameEnds.count - 1].bytes
        for cut in firstCut...lastCut {
            let work = TemporaryDirectory("torn\(cut)")
            defer { work.cleanUp() }
            try? FileManager.default.removeItem(atPath: work.path)
            try FileManager.default.copyItem(atPath: pristine.path, toPath: work.path)
            let tail = work.path + "/" + tailName
            #expect(truncate(tail, off_t(cut)) == 0)
            let expectedCount = survivors(cut)
            for round in 0..<2 {
                let log = try WriteAheadLog.open(directory: work.path, configuration: configuration)
                #expect(log.endPosition == UInt64(expectedCount), "cut at \(cut), reopen \(round)")
                #expect(try allRecords(log).map(\.payload) == Array(payloads[..<expectedCount]))
                let survivingEnd = frameEnds.first { $0.records == expectedCount }?.bytes ?? 64
                if round == 0 {
                    // A cut into the frame after the survivors leaves part of it: that is cut and reported.
                    #expect((log.recoveryReport.truncatedAtOffset != nil) == (cut > survivingEnd), "cut at \(cut)")
                } else {
                    #expect(log.recoveryReport.truncatedAtOffset == nil, "recovery is idempotent")
                }
                try log.close()
            }
            let log = try WriteAheadLog.open(directory: work.path, configuration: configuration)
            #expect(try log.append([0xAB]) == UInt64(expectedCount))
            try log.close()
            let again = try WriteAheadLog.open(directory: work.path, configuration: configuration)
            #expect(try allRecords(again).map(\.payload) == Array(payloads[..<expectedCount]) + [[0xAB]])
            try again.close()
        }
    }

    /// Thousands of random bit flips across sealed and tail segments: a corrupted record is never
    /// returned. Damage is either truncated as a torn tail or reported as corruption.
    @Test func randomBitFlipsNeverYieldACorruptRecord() throws {
        let pristine = TemporaryDirectory()
        defer { pristine.cleanUp() }
        var payloads: [[UInt8]] = []
        var lastFrameStart = 0
        let configuration = smallConfiguration(.group, segmentSize: 16 * 1024)
        do {
            let log = try WriteAheadLog.open(directory: pristine.path, configuration: configuration)
            let s = try log.stream(named: "s")
            var rng = SplitMix64(seed: 11)
            for i in 0..<150 {
                lastFrameStart = log.tailSegment.writtenBytes
                let batch = (0..<Int(rng.next() % 4 + 1)).map { j in
                    (0..<Int(rng.next() % 180)).map { UInt8(truncatingIfNeeded: $0 &+ i &+ j) }
                }
                try log.append(batch: batch, to: i % 2 == 0 ? .default : s)
                payloads += batch
            }
            try log.close()
        }
        let files = pristine.segmentFiles
        #expect(files.count >= 3)
        let originals = try files.map { try Data(contentsOf: URL(fileURLWithPath: $0)) }
        var rng = SplitMix64(seed: 99)
        var outcomes = (reported: 0, truncated: 0, intact: 0)
        let work = TemporaryDirectory()
        defer { work.cleanUp() }
        for trial in 0..<2000 {
            try? FileManager.default.removeItem(atPath: work.path)
            try FileManager.default.copyItem(atPath: pristine.path, toPath: work.path)
            // Every fourth trial damages the last frame of the tail, the rest any written byte.
            let lastFrameOnly = trial % 4 == 0
            let fileIndex = lastFrameOnly ? files.count - 1 : Int(rng.next() % UInt64(files.count))
            var bytes = [UInt8](originals[fileIndex])
            let used = max(64, (bytes.lastIndex { $0 != 0 } ?? 64) + 1)
            let low = lastFrameOnly ? lastFrameStart : 0
            for _ in 0..<Int(rng.next() % 8 + 1) {
                let offset = low + Int(rng.next() % UInt64(used - low))
                bytes[offset] ^= UInt8(1) << UInt8(rng.next() % 8)
            }
            let target = work.path + "/" + URL(fileURLWithPath: files[fileIndex]).lastPathComponent
            try Data(bytes).write(to: URL(fileURLWithPath: target))
            let opened = walOutcome { try WriteAheadLog.open(directory: work.path, configuration: configuration) }
            guard case let .success(log) = opened else {
                if case let .failure(error) = opened, case .corruption = error, !lastFrameOnly {
                    outcomes.reported += 1
                } else {
                    Issue.record("trial \(trial): unexpected \(opened)")
                }
                continue
            }
            #expect(log.endPosition <= UInt64(payloads.count))
            if lastFrameOnly {
                #expect(log.recoveryReport.truncatedFile != nil, "damage to the last frame is a torn tail: cut")
            }
            if log.recoveryReport.truncatedFile != nil { outcomes.truncated += 1 } else { outcomes.intact += 1 }
            for position in 0..<log.endPosition {
                switch walOutcome { try log.read(at: position) } {
                case let .success(record):
                    #expect(record.payload == payloads[Int(position)], "trial \(trial): corrupt record \(position) returned")
                case let .failure(error):
                    guard case .corruption = error else { Issue.record("trial \(trial): \(error)"); break }
                }
            }
            let cursor = log.cursor()
            while case let .success(record?) = walOutcome { try cursor.next() } {
                #expect(record.payload == payloads[Int(record.position)], "trial \(trial): replay returned a corrupt record")
            }
            try log.close()
        }
        #expect(outcomes.reported > 0 && outcomes.truncated > 0)
    }

    /// Damage in the middle of the tail, behind frames written after it was durable, is
    /// corruption: it is reported, not truncated (which would drop acknowledged records).
    @Test func midTailDamageOfDurableDataIsReported() throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanUp() }
        let configuration = smallConfiguration(.group)
        var offsets: [Int] = []
        do {
            let log = try WriteAheadLog.open(directory: dir.path, configuration: configuration)
            for i in 0..<10 {
                try log.append([UInt8](repeating: UInt8(i), count: 40))
                offsets.append(log.tailSegment.writtenBytes)
            }
            try log.close()
        }
        let tail = dir.segmentFiles.last!
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: tail)))
        bytes[offsets[3] + 50] ^= 0x10 // inside the payload of the fifth record
        try Data(bytes).write(to: URL(fileURLWithPath: tail))
        #expect {
            try WriteAheadLog.open(directory: dir.path, configuration: configuration)
        } throws: { error in
            guard case let .corruption(path, offset, _) = error as? WALError else { return false }
            return path == tail && offset == Int64(offsets[3])
        }
    }

    @Test func damagedSegmentHeaderAndMissingSegmentAreReported() throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanUp() }
        let configuration = smallConfiguration(segmentSize: 8192)
        do {
            let log = try WriteAheadLog.open(directory: dir.path, configuration: configuration)
            for i in 0..<400 { try log.append([UInt8](repeating: UInt8(i % 256), count: 50)) }
            try log.close()
        }
        let files = dir.segmentFiles
        #expect(files.count >= 4)
        // A missing middle segment leaves a gap in positions.
        let moved = files[1] + ".aside"
        try FileManager.default.moveItem(atPath: files[1], toPath: moved)
        #expect {
            try WriteAheadLog.open(directory: dir.path, configuration: configuration)
        } throws: { error in
            "\(error)".contains("missing") && "\(error)".contains(files[2])
        }
        try FileManager.default.moveItem(atPath: moved, toPath: files[1])
        // A damaged header of a sealed segment.
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: files[0])))
        bytes[20] ^= 1
        try Data(bytes).write(to: URL(fileURLWithPath: files[0]))
        #expect {
            try WriteAheadLog.open(directory: dir.path, configuration: configuration)
        } throws: { error in
            "\(error)".contains(files[0]) && "\(error)".contains("header checksum")
        }
    }
}
