/// The seed's 0–10 performance score: the mean of a latency score (from single-write P99:
/// ≤ 5 µs → 10, ≤ 10 µs → 8, else 6) and a throughput score (from the peak batched msg/s:
/// ≥ 15M → 10, ≥ 10M → 8, else 6).
public struct PerformanceScore: Codable, Sendable, Equatable {
    public var writeP99Nanoseconds: Double
    public var peakMessagesPerSecond: Double
    public var latencyScore: Double
    public var throughputScore: Double
    public var score: Double

    public init(writeP99Nanoseconds: Double, peakMessagesPerSecond: Double) {
        self.writeP99Nanoseconds = writeP99Nanoseconds
        self.peakMessagesPerSecond = peakMessagesPerSecond
        latencyScore = writeP99Nanoseconds <= 5_000 ? 10 : (writeP99Nanoseconds <= 10_000 ? 8 : 6)
        throughputScore = peakMessagesPerSecond >= 15_000_000 ? 10 : (peakMessagesPerSecond >= 10_000_000 ? 8 : 6)
        score = (latencyScore + throughputScore) / 2
    }
}
