import Foundation
import PerfgateCore
import PerfgateGit
import PerfgateSupport

/// Builds `perfgate` for a revision in release, for the paired A/B mode: the revision's tree is
/// written into a temporary work tree through libgit2 and built there; the binary is cached by
/// commit under .perfgate/ab/<commit>/, so a second comparison against the same base builds nothing.
public struct RevisionBuilder {
    public var cacheDirectory: String

    /// A builder caching binaries under `cacheDirectory`/<commit>/.
    public init(cacheDirectory: String) { self.cacheDirectory = cacheDirectory }

    /// A built binary, how long the build took, and whether it came from the cache.
    public struct Built: Sendable {
        public var binary: String
        public var seconds: Double
        public var cached: Bool
    }

    /// The binary of `commit`, building it when not cached. A build failure is exit 2, never a pass.
    public func binary(for commit: ObjectID, repository: GitRepository) throws -> Built {
        let directory = cacheDirectory + "/" + commit.hex
        let binary = directory + "/perfgate"
        if FileManager.default.isExecutableFile(atPath: binary) { return Built(binary: binary, seconds: 0, cached: true) }
        let source = directory + "/src"
        try? FileManager.default.removeItem(atPath: source)
        do {
            try FileManager.default.createDirectory(atPath: source, withIntermediateDirectories: true)
            try repository.exportTree(of: commit, to: source)
            // The commit for BuildCommitPlugin: git would find the enclosing clone and name its HEAD.
            try String(commit.hex.prefix(12)).write(toFile: source + "/.perfgate-build-commit", atomically: true, encoding: .utf8)
        } catch let error as GitError {
            throw PerfgateError.environment(error)
        } catch {
            throw PerfgateError(.environment, "cannot create \(source): \(error)")
        }
        let started = Date()
        let built = try Self.build(packagePath: source, scratchPath: directory + "/build", what: "base revision \(commit.hex.prefix(12))")
        do {
            try FileManager.default.copyItem(atPath: built, toPath: binary)
        } catch {
            throw PerfgateError(.environment, "cannot cache the base build at \(binary): \(error)")
        }
        try? FileManager.default.removeItem(atPath: directory + "/build")
        try? FileManager.default.removeItem(atPath: source)
        return Built(binary: binary, seconds: Date().timeIntervalSince(started), cached: false)
    }

    /// `swift build -c release --product perfgate`; returns the binary's path.
    public static func build(packagePath: String, scratchPath: String?, what: String) throws -> String {
        var arguments = ["swift", "build", "-c", "release", "--product", "perfgate", "--package-path", packagePath]
        if let scratchPath { arguments += ["--scratch-path", scratchPath] }
        let outcome: ProcessRunner.Outcome
        do { outcome = try ProcessRunner.run("/usr/bin/env", arguments) } catch {
            throw PerfgateError(.environment, "cannot run swift build for \(what): \(error)")
        }
        guard outcome.succeeded else {
            let tail = (outcome.stdout + outcome.stderr).split(separator: "\n").suffix(15).joined(separator: "\n")
            throw PerfgateError(
                .environment,
                "\(what) failed to build (swift build exit \(outcome.status)); "
                    + "the comparison cannot be made, which is not a pass:\n\(tail)")
        }
        return (scratchPath ?? packagePath + "/.build") + "/release/perfgate"
    }
}
