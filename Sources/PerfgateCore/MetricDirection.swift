/// Which way a metric improves.
public enum MetricDirection: String, Codable, Sendable, CaseIterable {
    /// Latencies, bytes, costs: smaller is better.
    case lowerIsBetter = "lower"
    /// Throughput: larger is better.
    case higherIsBetter = "higher"
}
