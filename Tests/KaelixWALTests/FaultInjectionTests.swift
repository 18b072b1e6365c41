import Foundation
import Glibc
import KaelixWAL
import KaelixWALTestSupport
import PerfgateSupport
import Testing

/// Simulated power loss and I/O errors through ``FaultInjectingFileSystem``: checklist items 2,
/// 6, 8, 9 and 14 of shared/notes/reliability-anchors.md. Every scenario ends with the same
/// oracle: the recovered log is a prefix of what was issued and holds every acknowledged record.
@Suite struct FaultInjectionTests {
    /// A seeded workload of single appends, batches and transactions. Returns the acknowledged
    /// (position → attempt id) pairs; stops at the first error and returns it too.
    static func runWorkload(
        _ log: WriteAheadLog, operations: Int, seed: UInt64,
        attempt: inout UInt64
    ) -> (acknowledged: [UInt64: UInt64], error: WALError?) {
        var rng = SplitMix64(seed: seed)
        var acknowledged: [UInt64: UInt64] = [:]
        for op in 0..<operations {
            let kind = rng.next() % 3
            let count = kind == 0 ? 1 : Int(rng.next() % 6) + 2
            let transaction = kind == 2 ? UInt64(op + 1) * 1000 + seed : 0
            var attempts: [UInt64] = []
            let payloads = (0..<count).map { _ -> [UInt8] in
                attempt += 1
                attempts.append(attempt)
                return TestPayload.make(
                    attempt: attempt, transaction: transaction,
                    transactionSize: transaction == 0 ? 0 : UInt32(count),
                    length: Int(rng.next() % 700))
            }
            let result = walOutcome { () throws -> Range<UInt64> in
                switch kind {
                case 0:
                    let p = try log.append(payloads[0])
                    return p..<(p + 1)
                case 1: return try log.append(batch: payloads)
                default:
                    let t = log.beginTransaction()
                    for p in payloads { try t.append(p) }
                    return try t.commit()
                }
            }
            switch result {
            case .success(let range):
                for (i, position) in range.enumerated() { acknowledged[position] = attempts[i] }
            case .failure(let error):
                return (acknowledged, error)
            }
        }
        return (acknowledged, nil)
    }

    /// Appends under a durable policy, loses power at a random point in each mode, recovers.
    @Test(arguments: FaultInjectingFileSystem.PowerLossMode.allCases)
    func powerLossKeepsEveryAcknowledgedRecord(mode: FaultInjectingFileSystem.PowerLossMode) throws {
        for seed in UInt64(1)...12 {
            for policy in [SyncPolicy.group, .everyWrite, .none] {
                let dir = TemporaryDirectory()
                defer { dir.cleanUp() }
                let fs = FaultInjectingFileSystem()
                var configuration = smallConfiguration(policy, segmentSize: 32 * 1024)
                configuration.prepareSegmentsInBackground = seed % 2 == 0
                let log = try WriteAheadLog.open(directory: dir.path, configuration: configuration, fileSystem: fs)
                var attempt: UInt64 = 0
                let operations = Int(seed * 13 % 90) + 10
                let (acknowledged, error) = Self.runWorkload(log, operations: operations, seed: seed, attempt: &attempt)
                #expect(error == nil)
                log.abandon()
                try fs.simulatePowerLoss(mode, seed: seed)
                let recovered = try WriteAheadLog.open(directory: dir.path, configuration: configuration)
                let records = try allRecords(recovered)
                let durable = policy.acknowledgesAfterSync ? acknowledged : [:]
                #expect(
                    prefixViolation(recovered: records, acknowledged: durable) == nil,
                    "mode \(mode) seed \(seed) policy \(policy): \(prefixViolation(recovered: records, acknowledged: durable) ?? "")")
                // The repaired log takes appends again.
                #expect(try recovered.append([1]) == UInt64(records.count))
                try recovered.close()
            }
        }
    }

    /// SQLite-style loop: for N = 1, 2, …, fail the Nth call of each kind (once, then from then on)
    /// and check the oracle after a power loss. A failed write or sync leaves the log fail-stopped
    /// (nothing acknowledged after it); a full disk leaves it usable.
    @Test(arguments: [FaultInjectingFileSystem.Call.write, .dataSync, .allocate, .syncDirectory, .rename])
    func failTheNthCall(call: FaultInjectingFileSystem.Call) throws {
        for n in 1...24 {
            for persistent in [false, true] {
                let dir = TemporaryDirectory()
                defer { dir.cleanUp() }
                let fs = FaultInjectingFileSystem()
                let configuration = smallConfiguration(.group, segmentSize: 16 * 1024)
                let log = try WriteAheadLog.open(directory: dir.path, configuration: configuration, fileSystem: fs)
                let errno: Int32 = call == .allocate ? ENOSPC : EIO
                let callsBefore = fs.count(of: call)
                fs.inject(.init(call: call, nth: n, errno: errno, persistent: persistent))
                var attempt: UInt64 = 0
                // Keep the workload going until the Nth call happened (rotations make the rarer
                // calls: allocate, rename, directory sync), or the fault stopped it.
                var acknowledged: [UInt64: UInt64] = [:]
                var error: WALError?
                var round: UInt64 = 0
                while error == nil, fs.count(of: call) - callsBefore < n, round < 200 {
                    let (more, failure) = Self.runWorkload(log, operations: 60, seed: UInt64(n) &* 1000 &+ round, attempt: &attempt)
                    acknowledged.merge(more) { $1 }
                    error = failure
                    round += 1
                }
                #expect(fs.count(of: call) - callsBefore >= n, "\(call) #\(n): the workload never made the Nth call")
                if let error {
                    switch error {
                    case .failStopped, .diskFull, .io:
                        break
                    default:
                        Issue.record("\(call) #\(n): unexpected \(error)")
                    }
                    if case .failStopped = error {
                        #expect(throws: WALError.self) { try log.append([1]) }
                    }
                }
                log.abandon()
                fs.clearFaults()
                try fs.simulatePowerLoss(.dropUnsynced, seed: UInt64(n))
                let recovered = try WriteAheadLog.open(directory: dir.path, configuration: configuration)
                let records = try allRecords(recovered)
                #expect(
                    prefixViolation(recovered: records, acknowledged: acknowledged) == nil,
                    "\(call) #\(n) persistent=\(persistent): \(prefixViolation(recovered: records, acknowledged: acknowledged) ?? "")")
                try recovered.close()
            }
        }
    }

    @Test func shortWritesAreCompletedTransparently() throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanUp() }
        let fs = FaultInjectingFileSystem()
        let log = try WriteAheadLog.open(directory: dir.path, configuration: smallConfiguration(.group), fileSystem: fs)
        fs.inject(.init(call: .write, nth: 1, persistent: true, shortWrite: true))
        var attempt: UInt64 = 0
        let (acknowledged, error) = Self.runWorkload(log, operations: 40, seed: 5, attempt: &attempt)
        #expect(error == nil)
        try log.close()
        let records = try allRecords(try WriteAheadLog.open(directory: dir.path, configuration: smallConfiguration(.group)))
        #expect(records.count == acknowledged.count)
        #expect(prefixViolation(recovered: records, acknowledged: acknowledged) == nil)
    }

    /// ENOSPC: the append fails with a clear error, nothing of it becomes visible, positions stay
    /// dense, and appends succeed again once space is back (also when rotation hits the full disk).
    @Test func diskFullFailsCleanlyAndRecoversWhenSpaceReturns() throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanUp() }
        let fs = FaultInjectingFileSystem()
        let log = try WriteAheadLog.open(directory: dir.path, configuration: smallConfiguration(.group, segmentSize: 8192), fileSystem: fs)
        try log.append([1, 1])
        fs.diskFull = true
        #expect {
            try log.append([2, 2])
        } throws: { error in
            guard case .diskFull = error as? WALError else { return false }
            return "\(error)".contains("no space left") && "\(error)".contains(dir.path)
        }
        #expect(log.endPosition == 1)
        fs.diskFull = false
        #expect(try log.append([3, 3]) == 1)
        // Fill the segment so the next append must rotate into a new, preallocated segment.
        fs.inject(.init(call: .allocate, nth: 1, errno: ENOSPC))
        var failures = 0
        var written: [[UInt8]] = [[1, 1], [3, 3]]
        for i in 0..<200 {
            let payload = [UInt8](repeating: UInt8(i), count: 100)
            switch walOutcome { try log.append(payload) } {
            case .success: written.append(payload)
            case .failure(let error):
                guard case .diskFull = error else {
                    Issue.record("\(error)")
                    return
                }
                failures += 1
            }
        }
        #expect(failures == 1, "exactly the append that needed the new segment fails")
        #expect(try allRecords(log).map(\.payload) == written)
        try log.close()
        #expect(try allRecords(try WriteAheadLog.open(directory: dir.path, configuration: smallConfiguration())).map(\.payload) == written)
    }

    /// A failed fdatasync is fail-stop: that append and every later one fail, and reopening
    /// recovers from what is on disk.
    @Test func failedSyncStopsTheLog() throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanUp() }
        let fs = FaultInjectingFileSystem()
        let log = try WriteAheadLog.open(directory: dir.path, configuration: smallConfiguration(.group), fileSystem: fs)
        try log.append([1])
        fs.inject(.init(call: .dataSync, nth: 1))
        #expect { try log.append([2]) } throws: { error in
            guard case .failStopped = error as? WALError else { return false }
            return "\(error)".contains("reopen")
        }
        fs.clearFaults()
        #expect(throws: WALError.self) { try log.append([3]) }
        #expect(log.endPosition == 1, "the unsynced record never became visible")
        log.abandon()
        try fs.simulatePowerLoss(.dropUnsynced)
        let reopened = try WriteAheadLog.open(directory: dir.path, configuration: smallConfiguration(.group))
        #expect(try allRecords(reopened).map(\.payload) == [[1]])
        #expect(try reopened.append([4]) == 1)
    }

    /// A segment whose directory entry was never synced is lost with the power; the log before it
    /// is intact and a crash between sealing and creating the next segment is handled.
    @Test func segmentLostWithItsDirectoryEntry() throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanUp() }
        let fs = FaultInjectingFileSystem()
        let configuration = smallConfiguration(.group, segmentSize: 8192)
        let log = try WriteAheadLog.open(directory: dir.path, configuration: configuration, fileSystem: fs)
        var written: [[UInt8]] = []
        for i in 0..<60 {
            let p = [UInt8](repeating: UInt8(i), count: 200)
            try log.append(p)
            written.append(p)
        }
        fs.inject(.init(call: .syncDirectory, nth: 1, persistent: true))
        var failed = false
        for i in 60..<200 where !failed {
            let p = [UInt8](repeating: UInt8(i), count: 200)
            if (try? log.append(p)) != nil { written.append(p) } else { failed = true }
        }
        #expect(failed, "rotation needs a directory sync, which fails")
        log.abandon()
        fs.clearFaults()
        try fs.simulatePowerLoss(.dropUnsynced)
        let reopened = try WriteAheadLog.open(directory: dir.path, configuration: configuration)
        #expect(try allRecords(reopened).map(\.payload) == written)
        #expect(try reopened.append([7]) == UInt64(written.count))
    }
}
