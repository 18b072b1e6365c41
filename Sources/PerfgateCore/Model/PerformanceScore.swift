/// A suite's 0–10 performance score as stored in a result file: the figures it was computed from,
/// its two components and the mean. The rules that compute it belong to the suite that measured
/// the run (the WAL suite's are in `WALBenchmarks.SuiteScore`); the gate only stores and shows it.
public struct PerformanceScore: Codable, Sendable, Equatable {
    public var writeP99Nanoseconds: Double
    public var peakMessagesPerSecond: Double
    public var latencyScore: Double
    public var throughputScore: Double
    public var score: Double

    /// A score from its figures and its two components; the score is their mean.
    public init(writeP99Nanoseconds: Double, peakMessagesPerSecond: Double, latencyScore: Double, throughputScore: Double) {
        self.writeP99Nanoseconds = writeP99Nanoseconds
        self.peakMessagesPerSecond = peakMessagesPerSecond
        self.latencyScore = latencyScore
        self.throughputScore = throughputScore
        score = (latencyScore + throughputScore) / 2
    }
}
