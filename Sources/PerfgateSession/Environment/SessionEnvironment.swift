import Foundation
import PerfgateCore

/// What the process runs in, as a value: its environment variables, the GitHub Actions context they
/// describe, and the current directory. Commands read it once (``current()``); tests build their own,
/// so baseline selection and the GitHub-specific paths run in-process without touching the real one.
public struct SessionEnvironment: Sendable {
    public var variables: [String: String]
    public var github: GitHubContext
    public var currentDirectory: String

    /// An environment of `variables` (the GitHub context is read from them) in `currentDirectory`.
    public init(variables: [String: String], currentDirectory: String) {
        self.variables = variables
        self.github = GitHubContext(environment: variables)
        self.currentDirectory = currentDirectory
    }

    /// This process's environment.
    public static func current() -> SessionEnvironment {
        SessionEnvironment(variables: ProcessInfo.processInfo.environment, currentDirectory: FileManager.default.currentDirectoryPath)
    }

    /// Whether this is a GitHub Actions job (annotations and step outputs are written then).
    public var isGitHubActions: Bool { variables["GITHUB_ACTIONS"] == "true" }
}
