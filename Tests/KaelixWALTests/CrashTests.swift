import Foundation
import Glibc
import KaelixWAL
import Testing

/// Kill -9 loop (checklist item 1): a child process appends under a durable policy and reports
/// what it issued and what was acknowledged; the parent kills it with SIGKILL at a random moment,
/// reopens the log and checks the oracle. The log accumulates across cycles, so recovery also
/// runs over logs that were themselves recovered. Cycles: 50 by default, KAELIX_CRASH_CYCLES
/// overrides (scripts/wal_stress.sh runs thousands).
@Suite(.serialized) struct CrashTests {
    static var tortureBinary: String? {
        let buildDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [buildDirectory, buildDirectory.deletingLastPathComponent()] {
            let path = candidate.appendingPathComponent("kaelix-torture").path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }

    /// Same derivation as kaelix-torture's payload(position:).
    static func payload(position: UInt64) -> [UInt8] {
        var rng = SplitMix64(seed: position &* 0x9E37_79B9 &+ 17)
        let length = Int(rng.next() % 300)
        var bytes = [UInt8](repeating: 0, count: length + 8)
        withUnsafeBytes(of: position.littleEndian) { for i in 0..<8 { bytes[i] = $0[i] } }
        for i in 8..<bytes.count { bytes[i] = UInt8(truncatingIfNeeded: rng.next()) }
        return bytes
    }

    @Test func sigkillAtRandomMomentsLosesNoAcknowledgedRecord() throws {
        let binary = try #require(Self.tortureBinary, "kaelix-torture must be built next to the tests (swift build)")
        let cycles = Int(ProcessInfo.processInfo.environment["KAELIX_CRASH_CYCLES"] ?? "") ?? 50
        let dir = TemporaryDirectory()
        defer { dir.cleanUp() }
        var rng = SplitMix64(seed: 2026)
        var acknowledgedEnd: UInt64 = 0
        var totalAcknowledged = 0
        for cycle in 0..<cycles {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: binary)
            let policy = cycle % 2 == 0 ? "group" : "every"
            process.arguments = ["write", dir.path, policy, "65536", "\(cycle)"]
            let output = Pipe()
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            try process.run()
            usleep(useconds_t(20_000 + rng.next() % 130_000))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            #expect(process.terminationReason == .uncaughtSignal, "cycle \(cycle): the writer must have been killed, not exited")
            let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            var intents: [Range<UInt64>] = []
            for line in text.split(separator: "\n") {
                let fields = line.split(separator: " ")
                guard fields.count == 3, let first = UInt64(fields[1]), let count = UInt64(fields[2]) else { continue }
                if fields[0] == "ack" {
                    acknowledgedEnd = max(acknowledgedEnd, first + count)
                    totalAcknowledged += Int(count)
                } else if fields[0] == "try" {
                    intents.append(first..<(first + count))
                }
            }
            let log = try WriteAheadLog.open(directory: dir.path, configuration: WALConfiguration(segmentSize: 65536))
            let end = log.endPosition
            #expect(end >= acknowledgedEnd, "cycle \(cycle): acknowledged up to \(acknowledgedEnd) but the log ends at \(end)")
            for intent in intents where intent.count > 1 {
                #expect(!(intent.lowerBound < end && end < intent.upperBound),
                        "cycle \(cycle): batch/transaction \(intent) survived in part (log ends at \(end))")
            }
            let cursor = log.cursor(from: log.startPosition)
            var position = log.startPosition
            while let record = try cursor.next() {
                #expect(record.position == position && record.payload == Self.payload(position: position),
                        "cycle \(cycle): record \(record.position) damaged")
                position += 1
            }
            #expect(position == end)
            acknowledgedEnd = end
            try log.close()
        }
        #expect(totalAcknowledged > cycles, "the writer must have made progress")
    }
}
