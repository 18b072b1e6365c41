import Foundation
import KaelixWAL
import KaelixWALTestSupport
import Testing

/// The ways the log could lose or refuse acknowledged records that issue 13 found, each staged
/// through the fault-injecting file layer, whose model is as harsh as Linux: a failed fdatasync
/// drops the dirty pages for good, unsynced writes land out of order or torn by sector, and
/// directory entries not covered by a directory sync vanish with the power.
@Suite struct DurabilityTests {
    /// The fault layer itself: after a failed fdatasync, a later successful one does not save the
    /// bytes written before it (the kernel marked those pages clean without writing them).
    @Test func aFailedSyncLosesItsWritebackForGood() throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanUp() }
        let fs = FaultInjectingFileSystem()
        let path = dir.path + "/f"
        let fd = try fs.openFile(path, create: true)
        try fs.syncDirectory(dir.path)
        try [UInt8](repeating: 7, count: 100).withUnsafeBytes { _ = try fs.write(fd, $0, at: 0) }
        fs.inject(.init(call: .dataSync, nth: 1))
        #expect(throws: SystemCallError.self) { try fs.dataSync(fd) }
        try fs.dataSync(fd)
        fs.closeFile(fd)
        try fs.simulatePowerLoss(.tearLastWrite)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)).isEmpty, "the write whose sync failed is gone")
    }

    /// fsyncgate: `sync()` on the caller's thread fails while the group-commit leader syncs the same
    /// file. On Linux only one of the two sees the error; the other gets 0 with the pages already
    /// dropped. The leader must not acknowledge on that 0: every acknowledged record survives.
    @Test func aSyncRacingAFailedSyncNeverAcknowledgesLostData() throws {
        for leaderFirst in [true, false] {
            let dir = TemporaryDirectory()
            defer { dir.cleanUp() }
            let fs = FaultInjectingFileSystem()
            let log = try WriteAheadLog.open(directory: dir.path, configuration: smallConfiguration(.group), fileSystem: fs)
            var acknowledged: [UInt64: UInt64] = [try log.append(TestPayload.make(attempt: 1, length: 10)): 1]
            // The leader's fdatasync waits for the other thread's to fail (or the other way round).
            let leaderSyncing = DispatchSemaphore(value: 0)
            let otherDone = DispatchSemaphore(value: 0)
            let racerThread = ThreadMark()
            fs.interceptor = { call in
                guard call == .dataSync else { return nil }
                if racerThread.isCurrent {
                    // Bounded: with one sync path the racer may hold the lock the leader needs.
                    if leaderFirst { _ = leaderSyncing.wait(timeout: .now() + 0.3) }
                    return EIO
                }
                if leaderFirst { leaderSyncing.signal() }
                _ = otherDone.wait(timeout: .now() + 0.3)
                return nil
            }
            let racerFinished = DispatchGroup()
            racerFinished.enter()
            let racer = Thread {
                racerThread.markCurrent()
                _ = try? log.sync()
                otherDone.signal()  // for the leader's interceptor, which may have timed out already
                racerFinished.leave()
            }
            let appender = DispatchGroup()
            appender.enter()
            let box = ResultBox()
            Thread {
                box.result = walOutcome { try log.append(TestPayload.make(attempt: 2, length: 40)) }
                appender.leave()
            }.start()
            if !leaderFirst { Thread.sleep(forTimeInterval: 0.05) }
            racer.start()
            appender.wait()
            racerFinished.wait()
            if case .success(let position) = box.result { acknowledged[position] = 2 }
            fs.interceptor = nil
            log.abandon()
            try fs.simulatePowerLoss(.dropUnsynced)
            let recovered = try WriteAheadLog.open(directory: dir.path, configuration: smallConfiguration(.group))
            let records = try allRecords(recovered)
            let acknowledgedText = box.result.map { "\($0)" } ?? "nothing"
            #expect(
                prefixViolation(recovered: records, acknowledged: acknowledged) == nil,
                "leader first: \(leaderFirst); acknowledged \(acknowledgedText), recovered \(records.count) record(s)"
            )
            try recovered.close()
        }
    }

    /// The interval syncer stops the log on a failed sync and never syncs again (a retry can
    /// return 0 for pages the failed one dropped).
    @Test func theIntervalSyncerNeverRetriesAFailedSync() throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanUp() }
        let fs = FaultInjectingFileSystem()
        let log = try WriteAheadLog.open(directory: dir.path, configuration: smallConfiguration(.interval(milliseconds: 2)), fileSystem: fs)
        let syncsBefore = fs.count(of: .dataSync)
        fs.inject(.init(call: .dataSync, nth: 1))
        try log.append([1])
        var waited = 0
        while fs.count(of: .dataSync) == 0 && waited < 2000 {
            Thread.sleep(forTimeInterval: 0.002)
            waited += 1
        }
        Thread.sleep(forTimeInterval: 0.02)
        let afterFailure = fs.count(of: .dataSync)
        #expect(afterFailure >= 1)
        #expect(throws: WALError.self) { try log.append([2]) }
        Thread.sleep(forTimeInterval: 0.05)  // 25 more intervals
        #expect(fs.count(of: .dataSync) == afterFailure, "no fdatasync after the failed one")
        #expect(afterFailure == syncsBefore + 1, "the failed fdatasync was the last one")
        log.abandon()
    }

    /// A failed directory sync while creating the next segment stops the log; the next append is
    /// refused rather than retried into a segment whose directory entry may not survive.
    @Test(arguments: [(FaultInjectingFileSystem.Call.syncDirectory, 1), (.dataSync, 2), (.dataSync, 3)])
    func aFailedSyncWhileCreatingASegmentStopsTheLog(call: FaultInjectingFileSystem.Call, nth: Int) throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanUp() }
        let fs = FaultInjectingFileSystem()
        let log = try WriteAheadLog.open(
            directory: dir.path, configuration: smallConfiguration(.none, segmentSize: 16 * 1024), fileSystem: fs)
        let payload = [UInt8](repeating: 3, count: 1000)
        // The syncs of a rotation under .none: the old segment's seal (data sync 1), the new file's
        // preallocation (2) and header (3), the directory (directory sync 1).
        fs.inject(.init(call: call, nth: nth))
        var failed = false
        for _ in 0..<40 where !failed {
            if case .failure = walOutcome({ try log.append(payload) }) { failed = true }
        }
        #expect(failed, "rotation met the injected fault")
        fs.clearFaults()
        let next = walOutcome { try log.append(payload) }
        guard case .failure(let error) = next, case .failStopped = error else {
            Issue.record("the append after a failed \(call) #\(nth) was \(next), not refused as fail-stopped")
            log.abandon()
            return
        }
        log.abandon()
    }

    /// kill -9 before the tail was synced, reopen, append, then power loss with writeback out of
    /// order: the new frame says the old data was durable, so recovery must have made it so.
    @Test func theRecoveredTailIsSyncedBeforeAnythingVouchesForIt() throws {
        for seed in UInt64(1)...24 {
            let dir = TemporaryDirectory()
            defer { dir.cleanUp() }
            let fs = FaultInjectingFileSystem()
            let first = try WriteAheadLog.open(directory: dir.path, configuration: smallConfiguration(.none), fileSystem: fs)
            for attempt in UInt64(1)...20 { try first.append(TestPayload.make(attempt: attempt, length: 30)) }
            first.abandon()  // kill -9: the page cache keeps the bytes, nothing was synced
            let second = try WriteAheadLog.open(directory: dir.path, configuration: smallConfiguration(.none), fileSystem: fs)
            #expect(second.endPosition == 20)
            try second.append(TestPayload.make(attempt: 21, length: 30))
            second.abandon()
            try fs.simulatePowerLoss(.reorder, seed: seed)
            let opened = walOutcome { try WriteAheadLog.open(directory: dir.path, configuration: smallConfiguration(.none)) }
            guard case .success(let log) = opened else {
                Issue.record("seed \(seed): the log was refused after a power loss: \(opened)")
                continue
            }
            #expect(log.endPosition >= 20, "seed \(seed): the 20 records recovery kept (and synced) survive")
            try log.close()
        }
    }

    /// A new log's directory is synced into its parent: after a power loss the directory, and the
    /// acknowledged records in it, are still there.
    @Test func aNewLogDirectorySurvivesAPowerLoss() throws {
        let parent = TemporaryDirectory()
        defer { parent.cleanUp() }
        let fs = FaultInjectingFileSystem()
        let path = parent.path + "/new-log"
        let log = try WriteAheadLog.open(directory: path, configuration: smallConfiguration(.group), fileSystem: fs)
        let position = try log.append([42])
        log.abandon()
        try fs.simulatePowerLoss(.dropUnsynced)
        let recovered = try WriteAheadLog.open(directory: path, configuration: smallConfiguration(.group))
        #expect(try recovered.read(at: position).payload == [42])
        try recovered.close()
    }
}

/// Remembers one thread, so a file-layer interceptor can tell whose call it is.
final class ThreadMark: @unchecked Sendable {
    private let lock = NSLock()
    private var thread: pthread_t?

    func markCurrent() { lock.withLock { thread = pthread_self() } }
    var isCurrent: Bool { lock.withLock { thread.map { pthread_equal($0, pthread_self()) != 0 } ?? false } }
}

/// Carries a result out of a thread.
final class ResultBox: @unchecked Sendable {
    var result: Result<UInt64, WALError>?
}

/// EFBIG is a file-size limit, not a full disk (issue 13, #11): reported as such, never as "no space left".
@Suite struct FileSizeLimitTests {
    @Test func efbigIsNotReportedAsAFullDisk() throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanUp() }
        let fs = FaultInjectingFileSystem()
        let log = try WriteAheadLog.open(directory: dir.path, configuration: smallConfiguration(.group), fileSystem: fs)
        fs.inject(.init(call: .write, nth: 1, errno: EFBIG))
        let outcome = walOutcome { try log.append([1, 2, 3]) }
        guard case .failure(let error) = outcome else {
            Issue.record("the append succeeded")
            return
        }
        if case .diskFull = error { Issue.record("EFBIG reported as a full disk: \(error)") }
        #expect(error.description.contains("file-size limit (EFBIG)"), "\(error)")
        log.abandon()
    }
}
