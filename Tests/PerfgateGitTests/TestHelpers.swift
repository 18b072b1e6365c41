import Foundation
import PerfgateTestSupport

extension GitFixture {
    /// The perfgate executable built next to the tests.
    static var perfgateBinary: String? {
        let build = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [build, build.deletingLastPathComponent()] {
            let path = candidate.appendingPathComponent("perfgate").path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }
}

/// Run-id key as perfgate uses it (the test target does not import PerfgateCore).
let runKey: @Sendable (String) -> String = { line in
    guard let start = line.range(of: "\"runID\":\""), let end = line[start.upperBound...].firstIndex(of: "\"") else { return line }
    return String(line[start.upperBound..<end])
}
