/// Links a rendered report can point its reader to: the CI run that holds the full reports, and
/// the published history dashboard (`perfgate report --history`).
public struct ReportLinks: Sendable, Equatable {
    /// The CI run's page (on GitHub Actions, where its artifacts are listed).
    public var runURL: String?
    /// The root of the published history dashboard (`perfgate.json`: `report.historyURL`).
    public var historyURL: String?

    /// Links to a run and a dashboard, either optional.
    public init(runURL: String? = nil, historyURL: String? = nil) {
        self.runURL = runURL
        self.historyURL = historyURL
    }
}
