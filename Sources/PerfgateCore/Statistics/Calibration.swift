import Foundation

/// A runner's measured noise, from an A/A run of one build against itself (`perfgate calibrate`).
public struct Calibration: Codable, Sendable {
    /// One metric's noise on this machine: the spread of A/A log ratios and the change it could detect.
    public struct Entry: Codable, Sendable {
        public var benchmark: String
        public var metric: String
        /// Standard deviation of the per-round log ratios (≈ relative noise of a paired difference).
        public var logRatioStd: Double
        /// Per-side round-to-round noise: the above over √2.
        public var noise: Double
        /// Minimum detectable effect of a paired comparison at `pairs` pairs, α = 0.01, 95 % power.
        public var minimumDetectableEffect: Double
        /// The A/A change (should be near zero).
        public var change: Double
    }

    public var scenario: String
    public var profile: String
    public var pairs: Int
    public var createdAt: Date
    public var entries: [Entry]
    /// The paired tolerance covering 90 % of the metrics' MDEs (at least 2 %, at most 10 %).
    public var proposedPairedTolerance: Double

    /// Computes the calibration from side A's and side B's samples, aligned by pair.
    public static func compute(a: [BenchmarkResult], b: [BenchmarkResult], scenario: String, profile: String, pairs: Int) -> Calibration {
        let z = Distributions.normalQuantile(1 - 0.01 / 2) + Distributions.normalQuantile(0.95)
        var entries: [Entry] = []
        for benchmark in b {
            guard let other = a.first(where: { $0.id == benchmark.id }) else { continue }
            for metric in benchmark.metrics where metric.kind == .timing && metric.available {
                guard let base = other.metric(named: metric.name) else { continue }
                let n = min(metric.samples.count, base.samples.count)
                guard n >= 3, !metric.samples.prefix(n).contains(0), !base.samples.prefix(n).contains(0) else { continue }
                let ratios = (0..<n).map { log(metric.samples[$0] / base.samples[$0]) }
                let mean = ratios.reduce(0, +) / Double(n)
                let std = (ratios.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n - 1)).squareRoot()
                entries.append(
                    Entry(
                        benchmark: benchmark.id, metric: metric.name, logRatioStd: std, noise: std / 2.0.squareRoot(),
                        minimumDetectableEffect: z * std / Double(n).squareRoot(), change: exp(mean) - 1))
            }
        }
        let mdes = entries.filter { ["p50", "p99", "throughput"].contains($0.metric) }.map(\.minimumDetectableEffect).sorted()
        let covering = mdes.isEmpty ? 0.03 : Quantile.quantile(sorted: mdes, 0.9)
        let proposed = min(0.10, max(0.02, (covering * 200).rounded(.up) / 200))
        return Calibration(
            scenario: scenario, profile: profile, pairs: pairs, createdAt: Date(), entries: entries, proposedPairedTolerance: proposed)
    }

    /// The calibration as pretty-printed JSON.
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        do { return try encoder.encode(self) } catch { throw PerfgateError(.environment, "could not encode the calibration: \(error)") }
    }

    /// A readable table, noisiest first.
    public func summary() -> String {
        var lines = [
            "calibration of profile \(profile), \(scenario) scenario, \(pairs) A/A pairs:",
            "noise      MDE       A/A change  benchmark metric",
        ]
        for e in entries.sorted(by: { $0.noise > $1.noise }) {
            lines.append(
                String(
                    format: "%6.2f %%  %6.2f %%  %+7.2f %%    %@ %@", e.noise * 100, e.minimumDetectableEffect * 100, e.change * 100,
                    e.benchmark, e.metric))
        }
        lines.append(
            String(format: "proposed paired tolerance (covers 90 %% of p50/p99/throughput MDEs): %.1f %%", proposedPairedTolerance * 100))
        return lines.joined(separator: "\n")
    }
}
