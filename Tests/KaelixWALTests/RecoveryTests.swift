import Foundation
import KaelixWAL
import PerfgateSupport
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

    /// Ten thousand random multi-bit flips across sealed and tail segments, a quarter of them in
    /// the tail's last frame (which no later frame vouches for). Every record was acknowledged, so
    /// none may be dropped or returned corrupt: each trial either fails to open with a corruption
    /// error, or opens with every record, where a read of a damaged one reports corruption.
    @Test func randomBitFlipsAreNeverSilentlyAccepted() throws {
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
                let batch = (0..<Int(rng.next() % 4 + 1)).map { _ in
                    (0..<Int(rng.next() % 180)).map { _ in UInt8(truncatingIfNeeded: rng.next() | 1) }
                }
                try log.append(batch: batch, to: i % 2 == 0 ? .default : s)
                payloads += batch
            }
            try log.close()
        }
        let files = pristine.segmentFiles
        #expect(files.count >= 3)
        let originals = try files.map { [UInt8](try Data(contentsOf: URL(fileURLWithPath: $0))) }
        var rng = SplitMix64(seed: 99)
        var outcomes = (refused: 0, reportedOnRead: 0, harmless: 0, silentlyAccepted: 0)
        let work = TemporaryDirectory()
        defer { work.cleanUp() }
        let trials = 10_000
        for trial in 0..<trials {
            // Every fourth trial damages the last frame of the tail, the rest any written byte.
            let lastFrameOnly = trial % 4 == 0
            let fileIndex = lastFrameOnly ? files.count - 1 : Int(rng.next() % UInt64(files.count))
            var bytes = originals[fileIndex]
            let used = max(64, (bytes.lastIndex { $0 != 0 } ?? 64) + 1)
            let low = lastFrameOnly ? lastFrameStart : 0
            for _ in 0..<Int(rng.next() % 8 + 1) {
                let offset = low + Int(rng.next() % UInt64(used - low))
                bytes[offset] ^= UInt8(1) << UInt8(rng.next() % 8)
            }
            try? FileManager.default.removeItem(atPath: work.path)
            try FileManager.default.copyItem(atPath: pristine.path, toPath: work.path)
            let target = work.path + "/" + URL(fileURLWithPath: files[fileIndex]).lastPathComponent
            try Data(bytes).write(to: URL(fileURLWithPath: target))
            let opened = walOutcome { try WriteAheadLog.open(directory: work.path, configuration: configuration) }
            guard case .success(let log) = opened else {
                if case .failure(let error) = opened, case .corruption = error {
                    outcomes.refused += 1
                } else {
                    Issue.record("trial \(trial): unexpected \(opened)")
                }
                continue
            }
            var silent = log.endPosition != UInt64(payloads.count) || log.recoveryReport.discardedDamage
            var reported = false
            for position in 0..<log.endPosition {
                switch walOutcome { try log.read(at: position) } {
                case .success(let record):
                    if record.payload != payloads[Int(position)] { silent = true }
                case .failure(let error):
                    guard case .corruption = error else {
                        Issue.record("trial \(trial): \(error)")
                        break
                    }
                    reported = true
                }
            }
            let cursor = log.cursor()
            while case .success(let record?) = walOutcome({ try cursor.next() }) {
                if record.payload != payloads[Int(record.position)] { silent = true }
            }
            try log.close()
            if silent {
                outcomes.silentlyAccepted += 1
                Issue.record("trial \(trial): damage silently accepted (\(log.recoveryReport))")
            } else if reported {
                outcomes.reportedOnRead += 1
            } else {
                outcomes.harmless += 1
            }
        }
        #expect(outcomes.silentlyAccepted == 0)
        #expect(outcomes.refused > trials / 4, "damage to the last frame is refused, not cut: \(outcomes)")
        #expect(outcomes.reportedOnRead > 0)
        print(
            "bit flips: \(trials) trials, \(outcomes.refused) refused at open, \(outcomes.reportedOnRead) reported on read, "
                + "\(outcomes.harmless) harmless (flips in bytes nothing reads), \(outcomes.silentlyAccepted) silently accepted")
    }

    /// A frame written whole and damaged afterwards, at the very end of the log: the open refuses
    /// it by default, and cuts it only when the configuration says to (and says it did).
    @Test func damagedLastFrameIsRefusedUnlessDiscardIsChosen() throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanUp() }
        var configuration = smallConfiguration(.group)
        var lastFrame = 0
        do {
            let log = try WriteAheadLog.open(directory: dir.path, configuration: configuration)
            for i in 0..<10 {
                lastFrame = log.tailSegment.writtenBytes
                try log.append([UInt8](repeating: UInt8(i + 1), count: 40))
            }
            try log.close()
        }
        let tail = dir.segmentFiles.last!
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: tail)))
        bytes[lastFrame + 45] ^= 0x04
        try Data(bytes).write(to: URL(fileURLWithPath: tail))
        #expect {
            try WriteAheadLog.open(directory: dir.path, configuration: configuration)
        } throws: { error in
            guard case .corruption(let path, let offset, let reason) = error as? WALError else { return false }
            return path == tail && offset == Int64(lastFrame) && reason.contains("damagedTail = .discard")
        }
        configuration.damagedTail = .discard
        let log = try WriteAheadLog.open(directory: dir.path, configuration: configuration)
        #expect(log.endPosition == 9)
        #expect(log.recoveryReport.discardedDamage)
        #expect(log.recoveryReport.description.contains("DISCARDED"))
        try log.close()
    }

    /// A sealed segment's data frames are checksummed on first read, not at open; a damaged
    /// stream id in one would give the streams wrong counts and sequence numbers. Walking the
    /// segment (no index file), the next segment's restated stream table catches it at open. With
    /// the segment's index file, the open takes the counts from the index (written before the
    /// damage), so they are right, and the first read of the segment reports the damage.
    @Test func aDamagedStreamIdInASealedSegmentIsReported() throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanUp() }
        let configuration = smallConfiguration(.group, segmentSize: 8192)
        var firstFrame = 0
        do {
            let log = try WriteAheadLog.open(directory: dir.path, configuration: configuration)
            let a = try log.stream(named: "a")
            let b = try log.stream(named: "b")
            for i in 0..<300 {
                if i == 1 { firstFrame = log.tailSegment.writtenBytes }
                try log.append([UInt8](repeating: UInt8(i % 200 + 1), count: 30), to: i % 2 == 0 ? a : b)
            }
            try log.close()
        }
        let files = dir.segmentFiles
        #expect(files.count >= 3)
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: files[0])))
        // The second append went to stream "b" (id 2): its record's first varint becomes 1, "a".
        #expect(bytes[firstFrame + 40] == 2)
        bytes[firstFrame + 40] = 1
        try Data(bytes).write(to: URL(fileURLWithPath: files[0]))

        let indexed = try WriteAheadLog.open(directory: dir.path, configuration: configuration)
        #expect(indexed.recoveryReport.sealedSegmentsFromIndex == files.count - 1)
        let (a, b) = (try #require(indexed.existingStream(named: "a")), try #require(indexed.existingStream(named: "b")))
        #expect(indexed.recordCount(in: a) == 150 && indexed.recordCount(in: b) == 150)
        #expect {
            try indexed.read(at: 1)
        } throws: { error in
            guard case .corruption(let path, _, _) = error as? WALError else { return false }
            return path == files[0]
        }
        try indexed.close()

        for name in try FileManager.default.contentsOfDirectory(atPath: dir.path) where name.hasSuffix(".kidx") {
            try FileManager.default.removeItem(atPath: dir.path + "/" + name)
        }
        #expect {
            try WriteAheadLog.open(directory: dir.path, configuration: configuration)
        } throws: { error in
            guard case .corruption(let path, _, let reason) = error as? WALError else { return false }
            return path == files[1] && reason.contains("a record's stream id was damaged")
        }
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
        bytes[offsets[3] + 50] ^= 0x10  // inside the payload of the fifth record
        try Data(bytes).write(to: URL(fileURLWithPath: tail))
        #expect {
            try WriteAheadLog.open(directory: dir.path, configuration: configuration)
        } throws: { error in
            guard case .corruption(let path, let offset, _) = error as? WALError else { return false }
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
