import Foundation
import KaelixWAL
import PerfgateSupport

/// A fresh directory under the system temporary directory, removed by `cleanUp()`.
struct TemporaryDirectory {
    let path: String

    init(_ label: String = #function) {
        let name = label.filter { $0.isLetter || $0.isNumber }
        path = NSTemporaryDirectory() + "kaelix-\(name)-\(UUID().uuidString.prefix(8))"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func cleanUp() { try? FileManager.default.removeItem(atPath: path) }

    /// Paths of the segment files, oldest first.
    var segmentFiles: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [])
            .filter { $0.hasSuffix(".kwal") }.sorted().map { path + "/" + $0 }
    }
}

/// Small segments so tests cross segment boundaries quickly; no background preparation unless asked.
func smallConfiguration(_ policy: SyncPolicy = .none, segmentSize: Int = 64 * 1024) -> WALConfiguration {
    WALConfiguration(
        segmentSize: segmentSize, syncPolicy: policy, preallocation: .fallocate,
        prepareSegmentsInBackground: false)
}

/// Self-describing test payloads: an attempt id, a transaction id and size, then bytes derived
/// from the attempt id. A recovered payload can thus be checked for integrity on its own, and
/// the ids let a test check that recovery kept a prefix of what was issued.
enum TestPayload {
    static func make(attempt: UInt64, transaction: UInt64 = 0, transactionSize: UInt32 = 0, length: Int) -> [UInt8] {
        var bytes = [UInt8]()
        bytes.reserveCapacity(20 + length)
        withUnsafeBytes(of: attempt.littleEndian) { bytes.append(contentsOf: $0) }
        withUnsafeBytes(of: transaction.littleEndian) { bytes.append(contentsOf: $0) }
        withUnsafeBytes(of: transactionSize.littleEndian) { bytes.append(contentsOf: $0) }
        var rng = SplitMix64(seed: attempt)
        for _ in 0..<length { bytes.append(UInt8(truncatingIfNeeded: rng.next())) }
        return bytes
    }

    struct Decoded: Equatable {
        var attempt: UInt64
        var transaction: UInt64
        var transactionSize: UInt32
    }

    /// The ids of an intact payload, or nil if its bytes do not match its attempt id.
    static func decode(_ bytes: [UInt8]) -> Decoded? {
        guard bytes.count >= 20 else { return nil }
        let attempt = bytes[0..<8].withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
        let transaction = bytes[8..<16].withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
        let size = bytes[16..<20].withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) }
        var rng = SplitMix64(seed: attempt)
        for byte in bytes[20...] where byte != UInt8(truncatingIfNeeded: rng.next()) { return nil }
        return Decoded(attempt: attempt, transaction: transaction, transactionSize: size)
    }
}

/// The crash oracle (RocksDB's expected state plus ALICE's rule): the recovered log is a prefix
/// of the issued appends — every record intact, attempt ids strictly increasing, transactions
/// whole — and every acknowledged-durable record is in it at its acknowledged position.
/// Returns a description of the first violation, or nil.
func prefixViolation(recovered: [WALRecord], acknowledged: [UInt64: UInt64]) -> String? {
    var lastAttempt: UInt64?
    var transactions: [UInt64: (size: UInt32, seen: Int)] = [:]
    for (index, record) in recovered.enumerated() {
        guard record.position == UInt64(index) else { return "position \(record.position) at index \(index)" }
        guard let decoded = TestPayload.decode(record.payload) else { return "record \(index) is damaged" }
        if let last = lastAttempt, decoded.attempt <= last {
            return "record \(index) has attempt \(decoded.attempt) after \(last): not a prefix"
        }
        lastAttempt = decoded.attempt
        if decoded.transaction != 0 {
            transactions[decoded.transaction, default: (decoded.transactionSize, 0)].seen += 1
        }
    }
    for (id, entry) in transactions where entry.seen != Int(entry.size) {
        return "transaction \(id) has \(entry.seen) of its \(entry.size) records"
    }
    for (position, attempt) in acknowledged {
        guard position < UInt64(recovered.count) else {
            return "acknowledged record at \(position) lost (log ends at \(recovered.count))"
        }
        guard TestPayload.decode(recovered[Int(position)].payload)?.attempt == attempt else {
            return "acknowledged record at \(position) replaced"
        }
    }
    return nil
}

/// Every record of the log, read through a cursor.
func allRecords(_ log: WriteAheadLog) throws -> [WALRecord] {
    let cursor = log.cursor(from: log.startPosition)
    var records: [WALRecord] = []
    while let record = try cursor.next() { records.append(record) }
    return records
}

/// The outcome of `body` as a `Result` whose failure is a ``WALError``: the WAL throws nothing else,
/// so any other error fails the calling test loudly.
func walOutcome<T>(_ body: () throws -> T) -> Result<T, WALError> {
    do { return .success(try body()) } catch let error as WALError { return .failure(error) } catch {
        preconditionFailure("the WAL threw \(type(of: error)), not a WALError: \(error)")
    }
}
