import Foundation
import PerfgateSupport
import Testing

/// The `perfgate` binary users run: the release build (`scripts/check.sh` and the composite action
/// build it with `swift build -c release`). The end-to-end tests drive it and nothing else: a
/// debug binary once passed every test while the release binary crashed on every foreign file.
///
/// `scripts/test.sh` builds it before the tests. Set `PERFGATE_BINARY` to test another build.
enum ReleaseBinary {
    static let projectRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    /// The path of the release binary, or a reason it cannot be used (missing, or older than the sources).
    static let located: Result<String, LocateError> = locate()

    struct LocateError: Error, CustomStringConvertible { var description: String }

    private static func locate() -> Result<String, LocateError> {
        if let explicit = ProcessInfo.processInfo.environment["PERFGATE_BINARY"] {
            return FileManager.default.isExecutableFile(atPath: explicit)
                ? .success(explicit) : .failure(LocateError(description: "PERFGATE_BINARY=\(explicit) is not an executable"))
        }
        let path = projectRoot + "/.build/release/perfgate"
        guard FileManager.default.isExecutableFile(atPath: path) else {
            return .failure(
                LocateError(
                    description: "no release binary at \(path): build it with "
                        + "`swift build -c release --product perfgate` (scripts/test.sh does)"))
        }
        let built = modified(path)
        var newest: (path: String, date: Date)?
        for folder in ["Sources", "Package.swift"] {
            let base = projectRoot + "/" + folder
            let files = (try? FileManager.default.subpathsOfDirectory(atPath: base)).map { $0.map { base + "/" + $0 } } ?? [base]
            for file in files where file.hasSuffix(".swift") || file.hasSuffix(".c") || file.hasSuffix(".h") {
                let date = modified(file)
                if date > (newest?.date ?? .distantPast) { newest = (file, date) }
            }
        }
        if let newest, newest.date > built {
            return .failure(
                LocateError(
                    description: "the release binary \(path) is older than \(newest.path): rebuild it with "
                        + "`swift build -c release --product perfgate` (scripts/test.sh does)"))
        }
        return .success(path)
    }

    private static func modified(_ path: String) -> Date {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date) ?? .distantPast
    }

    /// The binary's path; records a test failure (not a skip) when there is no usable release build.
    static func path(sourceLocation: SourceLocation = #_sourceLocation) -> String {
        switch located {
        case .success(let path): return path
        case .failure(let error):
            Issue.record(Comment(rawValue: error.description), sourceLocation: sourceLocation)
            return "/nonexistent/perfgate"
        }
    }

    /// Runs the release binary in `directory` with GitHub's variables removed (plus `environment`),
    /// and records a failure when it crashes (a signal, or a status of 128 and above).
    @discardableResult
    static func run(
        _ arguments: [String], in directory: String, environment: [String: String] = [:],
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> ProcessRunner.Outcome {
        var env = ProcessInfo.processInfo.environment
        for key in env.keys where key.hasPrefix("GITHUB_") || key.hasPrefix("PERFGATE_") { env.removeValue(forKey: key) }
        env.merge(environment) { $1 }
        let outcome = try ProcessRunner.run(path(sourceLocation: sourceLocation), arguments, in: directory, environment: env)
        if outcome.crashed || outcome.status >= 128 {
            Issue.record(
                "perfgate \(arguments.joined(separator: " ")) crashed (status \(outcome.status)):\n\(outcome.stderr.prefix(3000))",
                sourceLocation: sourceLocation)
        }
        return outcome
    }

    /// Runs the project's script `relative` (e.g. `scripts/judge_pull_request.sh`) with bash in
    /// `directory`, with GitHub's and perfgate's variables removed (plus `environment`).
    static func runScript(_ relative: String, in directory: String, environment: [String: String] = [:]) throws -> ProcessRunner.Outcome {
        var env = ProcessInfo.processInfo.environment
        for key in env.keys where key.hasPrefix("GITHUB_") || key.hasPrefix("PERFGATE_") { env.removeValue(forKey: key) }
        env.merge(environment) { $1 }
        return try ProcessRunner.run("/bin/bash", [projectRoot + "/" + relative], in: directory, environment: env)
    }
}
