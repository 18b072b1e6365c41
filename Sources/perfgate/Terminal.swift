import Foundation
import Glibc

/// Output helpers: colour and in-place progress only on a terminal, plain lines in CI logs.
enum Terminal {
    static let stderrIsTerminal = isatty(2) == 1
    static let stdoutIsTerminal = isatty(1) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil

    static func error(_ message: String) {
        FileHandle.standardError.write(Data("error: \(message)\n".utf8))
    }

    static func note(_ message: String) {
        FileHandle.standardError.write(Data("\(message)\n".utf8))
    }

    /// Progress goes to stderr: rewritten in place on a terminal, a line at a time otherwise.
    static func progress(_ line: String, final: Bool = false) {
        if stderrIsTerminal {
            let text = "\r\u{1B}[2K" + line + (final ? "\n" : "")
            FileHandle.standardError.write(Data(text.utf8))
        } else {
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
    }

    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return String(format: "%d:%02d", s / 60, s % 60)
    }

    /// The path of the running executable (for starting round processes).
    static var executablePath: String {
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        if n > 0 { return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self) }
        return CommandLine.arguments[0]
    }
}
