// kaelix-torture: the child process of the WAL crash tests, and a stress driver.
//
//   kaelix-torture write DIR POLICY SEGMENT_BYTES SEED [WRITERS]
//       Appends forever from WRITERS threads (default 1): single records, batches and
//       transactions, to several streams. After each acknowledgement it prints
//       "ack FIRST COUNT WRITER BATCH". The parent kills it with SIGKILL at a random moment. Every
//       record describes itself (writer, batch, size, index, and bytes derived from them; see
//       Payload), so the verifier can check contents and atomicity without knowing positions.
//   kaelix-torture verify DIR [ACKS FROM]
//       Opens the log (recovery runs), checks every record from position FROM on is intact, that no
//       batch or transaction survived in part, and that every acknowledgement listed in the file
//       ACKS is there with the record it acknowledged. Prints "end N, all records intact".
import Glibc
import KaelixWAL
import PerfgateSupport

func fail(_ message: String) -> Never {
    emit("error: \(message)\n", to: 2)
    exit(2)
}

/// Writes a whole line with one write(2): lines under PIPE_BUF reach a pipe atomically, so the
/// parent never reads half an acknowledgement, even with several writer threads.
func emit(_ text: String, to fd: Int32) {
    var text = text
    text.withUTF8 { bytes in _ = write(fd, bytes.baseAddress, bytes.count) }
}

/// A self-describing record: `writer u64, batch u64, size u32, index u32`, then bytes derived
/// from those. `writer` is unique per process and thread (the seed times 1000 plus the thread).
enum Payload {
    static func make(writer: UInt64, batch: UInt64, size: Int, index: Int) -> [UInt8] {
        var rng = SplitMix64(seed: writer &* 0x9E37_79B9 ^ batch &* 31 ^ UInt64(index))
        var bytes = [UInt8]()
        withUnsafeBytes(of: writer.littleEndian) { bytes.append(contentsOf: $0) }
        withUnsafeBytes(of: batch.littleEndian) { bytes.append(contentsOf: $0) }
        withUnsafeBytes(of: UInt32(size).littleEndian) { bytes.append(contentsOf: $0) }
        withUnsafeBytes(of: UInt32(index).littleEndian) { bytes.append(contentsOf: $0) }
        for _ in 0..<Int(rng.next() % 200) { bytes.append(UInt8(truncatingIfNeeded: rng.next())) }
        return bytes
    }

    /// (writer, batch, size, index) of an intact record, or nil.
    static func decode(_ bytes: [UInt8]) -> (writer: UInt64, batch: UInt64, size: Int, index: Int)? {
        guard bytes.count >= 24 else { return nil }
        let writer = bytes[0..<8].withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
        let batch = bytes[8..<16].withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
        let size = Int(bytes[16..<20].withUnsafeBytes { UInt32(littleEndian: $0.loadUnaligned(as: UInt32.self)) })
        let index = Int(bytes[20..<24].withUnsafeBytes { UInt32(littleEndian: $0.loadUnaligned(as: UInt32.self)) })
        guard bytes == make(writer: writer, batch: batch, size: size, index: index) else { return nil }
        return (writer, batch, size, index)
    }
}

/// One writer thread: appends until the process is killed.
func writeForever(log: WriteAheadLog, streams: [StreamID], writer: UInt64) -> Never {
    var rng = SplitMix64(seed: writer)
    var batch: UInt64 = 0
    while true {
        batch += 1
        let kind = rng.next() % 3
        let count = kind == 0 ? 1 : Int(rng.next() % 20) + 1
        let payloads = (0..<count).map { Payload.make(writer: writer, batch: batch, size: count, index: $0) }
        do {
            let range: Range<UInt64>
            switch kind {
            case 0: range = try log.append(payloads[0], to: streams[Int(rng.next() % 4)]).map { $0..<($0 + 1) }
            case 1: range = try log.append(batch: payloads, to: streams[Int(rng.next() % 4)])
            default:
                let transaction = log.beginTransaction()
                for p in payloads { try transaction.append(p, to: streams[Int(rng.next() % 4)]) }
                range = try transaction.commit()
            }
            emit("ack \(range.lowerBound) \(range.count) \(writer) \(batch)\n", to: 1)
        } catch {
            fail("\(error)")
        }
    }
}

let arguments = CommandLine.arguments
guard arguments.count >= 3 else { fail("usage: kaelix-torture write DIR POLICY SEGMENT_BYTES SEED [WRITERS] | verify DIR [ACKS FROM]") }
switch arguments[1] {
case "write":
    guard arguments.count == 6 || arguments.count == 7, let segmentBytes = Int(arguments[4]), let seed = UInt64(arguments[5]),
        let writers = arguments.count == 7 ? Int(arguments[6]) : 1, writers >= 1
    else {
        fail("usage: kaelix-torture write DIR none|group|every|interval SEGMENT_BYTES SEED [WRITERS]")
    }
    let policy: SyncPolicy
    switch arguments[3] {
    case "none": policy = .none
    case "group": policy = .group
    case "every": policy = .everyWrite
    case "interval": policy = .interval(milliseconds: 5)
    default: fail("unknown policy \(arguments[3])")
    }
    var configuration = WALConfiguration(segmentSize: segmentBytes, syncPolicy: policy)
    configuration.preallocation = .fallocate
    let log: WriteAheadLog
    do { log = try WriteAheadLog.open(directory: arguments[2], configuration: configuration) } catch {
        fail("\(error)")
    }
    let streams = (0..<4).map { try! log.stream(named: "s\($0)") }
    for thread in 1..<writers {
        spawnWriter(WriterContext(log: log, streams: streams, writer: seed &* 1000 &+ UInt64(thread)))
    }
    writeForever(log: log, streams: streams, writer: seed &* 1000)
case "verify":
    guard arguments.count == 3 || arguments.count == 5, arguments.count == 3 || UInt64(arguments[4]) != nil else {
        fail("usage: kaelix-torture verify DIR [ACKS FROM]")
    }
    do {
        let log = try WriteAheadLog.open(directory: arguments[2])
        print(log.recoveryReport)
        let from = arguments.count == 5 ? max(UInt64(arguments[4])!, log.startPosition) : log.startPosition
        // Contents and atomicity: every batch whose records appear is complete and contiguous.
        var batches: [String: (size: Int, seen: Int, first: UInt64)] = [:]
        var identity: [UInt64: String] = [:]
        let cursor = log.cursor(from: from)
        var position = from
        while let record = try cursor.next() {
            guard record.position == position, let decoded = Payload.decode(record.payload) else {
                fail("record \(record.position) is not intact")
            }
            let key = "\(decoded.writer)/\(decoded.batch)"
            var entry = batches[key] ?? (decoded.size, 0, position)
            guard decoded.index == entry.seen, position == entry.first + UInt64(entry.seen) else {
                fail("record \(position) is record \(decoded.index) of batch \(key), out of place")
            }
            entry.seen += 1
            batches[key] = entry
            identity[position] = key
            position += 1
        }
        for (key, entry) in batches where entry.seen != entry.size {
            fail("batch or transaction \(key) survived in part: \(entry.seen) of \(entry.size) records")
        }
        // Every acknowledgement the writer printed is there.
        if arguments.count == 5, let file = fopen(arguments[3], "r") {
            defer { fclose(file) }
            var line: UnsafeMutablePointer<CChar>?
            var capacity = 0
            while getline(&line, &capacity, file) > 0 {
                let fields = String(cString: line!).split(whereSeparator: { $0 == " " || $0 == "\n" })
                guard fields.count == 5, fields[0] == "ack", let first = UInt64(fields[1]), let count = UInt64(fields[2]) else { continue }
                for p in first..<(first + count) where p >= from {
                    guard identity[p] == "\(fields[3])/\(fields[4])" else {
                        fail(
                            "acknowledged record \(p) of batch \(fields[3])/\(fields[4]) is "
                                + "\(identity[p].map { "batch \($0)" } ?? "missing")"
                        )
                    }
                }
            }
            free(line)
        }
        print("end \(log.endPosition), all records intact")
        try log.close()
    } catch {
        fail("\(error)")
    }
default:
    fail("unknown mode \(arguments[1])")
}

/// Starts a writer thread. Outside the top-level code, whose closures would be main-actor
/// isolated (and trap when run on another thread).
nonisolated func spawnWriter(_ context: WriterContext) {
    var handle = pthread_t()
    let retained = Unmanaged.passRetained(context)
    pthread_create(
        &handle, nil,
        { raw in
            let context = Unmanaged<WriterContext>.fromOpaque(raw!).takeRetainedValue()
            writeForever(log: context.log, streams: context.streams, writer: context.writer)
        }, retained.toOpaque())
}

/// What a writer thread needs, passed through pthread_create.
final class WriterContext: @unchecked Sendable {
    let log: WriteAheadLog
    let streams: [StreamID]
    let writer: UInt64
    init(log: WriteAheadLog, streams: [StreamID], writer: UInt64) {
        self.log = log
        self.streams = streams
        self.writer = writer
    }
}

extension UInt64 {
    func map<T>(_ body: (UInt64) -> T) -> T { body(self) }
}
