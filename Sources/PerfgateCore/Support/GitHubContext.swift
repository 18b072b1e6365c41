import Foundation

/// What a GitHub Actions job tells us through its environment and event file. On `pull_request`
/// events GitHub checks out a temporary merge commit; the commits that matter are the PR's head
/// (what is measured) and base (what it is compared with), which only the event file names.
public struct GitHubContext: Sendable, Equatable {
    public var eventName: String?
    public var pullRequestHead: String?
    public var pullRequestBase: String?
    public var headRef: String?
    /// The page of this workflow run (where its artifacts are listed), when running in one.
    public var runURL: String?

    /// Reads the context from `environment` and, on pull request events, the event file it names.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        eventName = environment["GITHUB_EVENT_NAME"]
        headRef = environment["GITHUB_HEAD_REF"].flatMap { $0.isEmpty ? nil : $0 }
        if let repository = environment["GITHUB_REPOSITORY"], let run = environment["GITHUB_RUN_ID"], !repository.isEmpty, !run.isEmpty {
            runURL = "\(environment["GITHUB_SERVER_URL"] ?? "https://github.com")/\(repository)/actions/runs/\(run)"
        }
        guard eventName == "pull_request" || eventName == "pull_request_target",
            let path = environment["GITHUB_EVENT_PATH"],
            let data = FileManager.default.contents(atPath: path),
            let event = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let pull = event["pull_request"] as? [String: Any]
        else { return }
        pullRequestHead = (pull["head"] as? [String: Any])?["sha"] as? String
        pullRequestBase = (pull["base"] as? [String: Any])?["sha"] as? String
    }
}
