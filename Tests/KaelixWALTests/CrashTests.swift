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

    /// Runs `kaelix-torture verify DIR`: it recovers the log and checks every record against the
    /// content the writer derived from its position. Returns the log's end, or nil with its error.
    static func verify(_ binary: String, _ directory: String) throws -> (end: UInt64?, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["verify", directory]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0, let line = output.split(separator: "\n").first(where: { $0.hasPrefix("end ") }),
              line.hasSuffix("all records intact") else { return (nil, output) }
        return (UInt64(line.dropFirst(4).prefix { $0.isNumber }), output)
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
            let (recoveredEnd, verifyOutput) = try Self.verify(binary, dir.path)
            let end = try #require(recoveredEnd, "cycle \(cycle): recovery or integrity check failed: \(verifyOutput)")
            #expect(end >= acknowledgedEnd, "cycle \(cycle): acknowledged up to \(acknowledgedEnd) but the log ends at \(end)")
            for intent in intents where intent.count > 1 {
                #expect(!(intent.lowerBound < end && end < intent.upperBound),
                        "cycle \(cycle): batch/transaction \(intent) survived in part (log ends at \(end))")
            }
            acknowledgedEnd = end
        }
        #expect(totalAcknowledged > cycles, "the writer must have made progress")
    }

    /// Another process holding the log directory keeps this one out, and its death releases it.
    @Test func anotherProcessHoldingTheDirectoryKeepsUsOut() throws {
        let binary = try #require(Self.tortureBinary)
        let dir = TemporaryDirectory()
        defer { dir.cleanUp() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["write", dir.path, "none", "65536", "1"]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        // Wait for its first acknowledgement: it holds the log then.
        var seen = ""
        while !seen.contains("ack ") {
            let data = output.fileHandleForReading.availableData
            if data.isEmpty { break }
            seen += String(decoding: data, as: UTF8.self)
        }
        #expect(throws: WALError.directoryLocked(path: dir.path)) {
            try WriteAheadLog.open(directory: dir.path, configuration: WALConfiguration(segmentSize: 65536))
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let log = try WriteAheadLog.open(directory: dir.path, configuration: WALConfiguration(segmentSize: 65536))
        #expect(log.endPosition > 0)
        try log.close()
    }
}
