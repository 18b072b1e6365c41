/// All metrics of one benchmark in one run.
public struct BenchmarkResult: Codable, Sendable, Equatable {
    /// Stable id, e.g. `wal.append.single/64B/sync=none`.
    public var id: String
    /// Free-form labels (message size, sync policy, writers …).
    public var tags: [String: String]
    public var metrics: [Metric]

    /// A benchmark's results: its id, its tags (e.g. `operations` per round) and its metrics.
    public init(id: String, tags: [String: String] = [:], metrics: [Metric]) {
        self.id = id
        self.tags = tags
        self.metrics = metrics
    }

    /// The metric called `name`, if the benchmark reported one.
    public func metric(named name: String) -> Metric? { metrics.first { $0.name == name } }

    /// Whether this benchmark is a control (tag `role: control`): it runs none of the code under
    /// test, so a change in it is a change of the machine. Controls are reported, never gated, and
    /// say whether the environment moved.
    public var isControl: Bool { tags["role"] == "control" }

    /// The control that does this benchmark's work without the code under test (tag
    /// `counterpart`), if the harness names one: how far the machine alone moved this kind of work.
    public var counterpart: String? { tags["counterpart"] }
}
