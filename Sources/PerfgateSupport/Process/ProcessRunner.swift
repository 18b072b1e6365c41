import Foundation

/// The package's one way to run a program: to completion, capturing its exit status and both
/// output streams (through files, so a program that writes a lot to both cannot block on a full
/// pipe). Used for benchmark rounds, release builds, `git push`/`fetch`, and by the tests.
public enum ProcessRunner {
    /// How a program ended and what it printed.
    public struct Outcome: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
        /// Killed by a signal (a crash), as opposed to exiting with a status.
        public var crashed: Bool
        /// Exited with status 0.
        public var succeeded: Bool { status == 0 && !crashed }
    }

    /// Runs `executable` with `arguments` in `directory` (default: the current one), with
    /// `environment` (default: this process's), and waits for it.
    /// - Throws: the error of `Process.run` when the program cannot be started.
    public static func run(
        _ executable: String, _ arguments: [String], in directory: String? = nil,
        environment: [String: String]? = nil
    ) throws -> Outcome {
        let scratch = NSTemporaryDirectory() + "perfgate-proc-\(getpid())-\(UUID().uuidString.prefix(8))"
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
        return Outcome(
            status: process.terminationStatus, stdout: stdout, stderr: stderr,
            crashed: process.terminationReason == .uncaughtSignal)
    }
}

extension ProcessRunner {
    /// The path of `program` on PATH, or nil. (Tests that need an optional tool are enabled only
    /// where it is found, so a missing tool shows as skipped, never as passed.)
    public static func which(_ program: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(program)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}
