import Foundation

/// Runs a program to completion and captures its exit status and output (through files, so a
/// program that writes a lot to both streams cannot block on a full pipe).
enum ProcessRunner {
    struct Outcome {
        var status: Int32
        var stdout: String
        var stderr: String
        /// Killed by a signal (a crash), as opposed to exiting with a status.
        var crashed: Bool
    }

    static func run(_ executable: String, _ arguments: [String], in directory: String? = nil,
                    environment: [String: String]? = nil) throws -> Outcome {
        let scratch = NSTemporaryDirectory() + "perfgate-proc-\(UUID().uuidString.prefix(8))"
        FileManager.default.createFile(atPath: scratch + ".out", contents: nil)
        FileManager.default.createFile(atPath: scratch + ".err", contents: nil)
        defer {
            try? FileManager.default.removeItem(atPath: scratch + ".out")
            try? FileManager.default.removeItem(atPath: scratch + ".err")
        }
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: scratch + ".out"))
        let err = try FileHandle(forWritingTo: URL(fileURLWithPath: scratch + ".err"))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        if let environment { process.environment = environment }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = out
        process.standardError = err
        try process.run()
        process.waitUntilExit()
        try out.close()
        try err.close()
        let stdout = (try? String(contentsOfFile: scratch + ".out", encoding: .utf8)) ?? ""
        let stderr = (try? String(contentsOfFile: scratch + ".err", encoding: .utf8)) ?? ""
        return Outcome(status: process.terminationStatus, stdout: stdout, stderr: stderr,
                       crashed: process.terminationReason == .uncaughtSignal)
    }
}

extension ProcessRunner {
    /// The path of `program` on PATH, or nil. Tests that need an optional tool are enabled only
    /// where it is found (`.enabled(if:)`), so a missing tool shows as skipped, never as passed.
    static func which(_ program: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(program)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}
