// kaelix-torture: the child process of the WAL crash tests, and a stress driver.
//
//   kaelix-torture write DIR POLICY SEGMENT_BYTES SEED
//       Appends forever (single records, batches and transactions, to several streams). Before
//       each append it prints "try FIRST COUNT", after its acknowledgement "ack FIRST COUNT". The
//       parent kills it with SIGKILL at a random moment and checks that everything acknowledged
//       survived intact and that no batch or transaction survived in part. Record contents are
//       a function of the position (see payload(position:)), so any damage is visible.
//   kaelix-torture verify DIR
//       Opens the log, prints the recovery report and every record's position and checksum.
import Glibc
import KaelixWAL

func fail(_ message: String) -> Never {
    emit("error: \(message)\n", to: 2)
    exit(2)
}

/// Writes a whole line with one write(2): lines under PIPE_BUF reach a pipe atomically, so the
/// parent never reads half an acknowledgement.
func emit(_ text: String, to fd: Int32) {
    var text = text
    text.withUTF8 { bytes in _ = write(fd, bytes.baseAddress, bytes.count) }
}

/// The payload of record `position`: derived from the position alone, so the verifier can tell
/// a record that is intact from one that is damaged or misplaced.
func payload(position: UInt64) -> [UInt8] {
    var rng = SplitMix64(seed: position &* 0x9E37_79B9 &+ 17)
    let length = Int(rng.next() % 300)
    var bytes = [UInt8](repeating: 0, count: length + 8)
    withUnsafeBytes(of: position.littleEndian) { for i in 0..<8 { bytes[i] = $0[i] } }
    for i in 8..<bytes.count { bytes[i] = UInt8(truncatingIfNeeded: rng.next()) }
    return bytes
}

let arguments = CommandLine.arguments
guard arguments.count >= 3 else { fail("usage: kaelix-torture write DIR POLICY SEGMENT_BYTES SEED | verify DIR") }
switch arguments[1] {
case "write":
    guard arguments.count == 6, let segmentBytes = Int(arguments[4]), let seed = UInt64(arguments[5]) else {
        fail("usage: kaelix-torture write DIR none|group|every|interval SEGMENT_BYTES SEED")
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
    var rng = SplitMix64(seed: seed)
    while true {
        let next = log.endPosition
        let kind = rng.next() % 3
        let count = kind == 0 ? 1 : Int(rng.next() % 20) + 1
        let stream = streams[Int(rng.next() % 4)]
        let payloads = (0..<count).map { payload(position: next + UInt64($0)) }
        emit("try \(next) \(count)\n", to: 1)
        do {
            let range: Range<UInt64>
            switch kind {
            case 0: range = try log.append(payloads[0], to: stream).map { $0..<($0 + 1) }
            case 1: range = try log.append(batch: payloads, to: stream)
            default:
                let transaction = log.beginTransaction()
                for p in payloads { try transaction.append(p, to: streams[Int(rng.next() % 4)]) }
                range = try transaction.commit()
            }
            guard range.lowerBound == next else { fail("position \(range.lowerBound), expected \(next)") }
            emit("ack \(range.lowerBound) \(range.count)\n", to: 1)
        } catch {
            fail("\(error)")
        }
    }
case "verify":
    do {
        let log = try WriteAheadLog.open(directory: arguments[2])
        print(log.recoveryReport)
        var position = log.startPosition
        let cursor = log.cursor(from: position)
        while let record = try cursor.next() {
            guard record.position == position, record.payload == payload(position: position) else {
                fail("record \(record.position) is not intact")
            }
            position += 1
        }
        print("end \(log.endPosition), all records intact")
        try log.close()
    } catch {
        fail("\(error)")
    }
default:
    fail("unknown mode \(arguments[1])")
}

extension UInt64 {
    func map<T>(_ body: (UInt64) -> T) -> T { body(self) }
}
