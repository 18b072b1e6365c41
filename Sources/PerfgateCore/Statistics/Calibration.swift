import Foundation

/// A runner's measured noise, from an A/A run of one build against itself (`perfgate calibrate`),
/// and what a paired comparison of as many pairs could detect with it.
public struct Calibration: Codable, Sendable {
    /// One metric's noise on this machine: the spread of A/A log ratios and the change it could detect.
    public struct Entry: Codable, Sendable {
        public var benchmark: String
        public var metric: String
        /// Standard deviation of the per-round log ratios (≈ relative noise of a paired difference).
        public var logRatioStd: Double
        /// Per-side round-to-round noise: the above over √2.
        public var noise: Double
        /// How far beyond the tolerance (on the log scale) a true change must lie to be called
        /// regressed with 80 % probability by a paired comparison of `pairs` pairs at the
        /// calibration's level (``MinimumDetectableEffect/paired(tolerance:standardError:degreesOfFreedom:miscoverage:)``).
        public var noiseFloor: Double
        /// The minimum detectable effect at the proposed paired tolerance: exp(log(1 + tolerance) + noiseFloor) − 1.
        public var minimumDetectableEffect: Double
        /// The A/A change (should be near zero).
        public var change: Double
    }

    public var scenario: String
    public var profile: String
    public var pairs: Int
    /// The paired α, divided among the calibrated metrics (as one look of `pairs` pairs would).
    public var alpha: Double
    public var createdAt: Date
    public var entries: [Entry]
    /// The paired tolerance at or above 90 % of the p50/p99/throughput noise floors (at least 2 %,
    /// at most 10 %): with it, a change of twice the tolerance is caught with 80 % probability at
    /// `pairs` pairs for at least 90 % of those metrics.
    public var proposedPairedTolerance: Double

    /// Computes the calibration from side A's and side B's samples, aligned by pair, at paired level `alpha`.
    public static func compute(
        a: [BenchmarkResult], b: [BenchmarkResult], scenario: String, profile: String, pairs: Int, alpha: Double = 0.01
    ) -> Calibration {
        var measured: [(benchmark: String, metric: String, test: PairedTTest)] = []
        for benchmark in b {
            guard let other = a.first(where: { $0.id == benchmark.id }) else { continue }
            for metric in benchmark.metrics where metric.kind == .timing && metric.available {
                guard let base = other.metric(named: metric.name) else { continue }
                let n = min(metric.samples.count, base.samples.count)
                guard n >= 3, !metric.samples.prefix(n).contains(0), !base.samples.prefix(n).contains(0),
                    let test = PairedTTest((0..<n).map { log(metric.samples[$0] / base.samples[$0]) })
                else { continue }
                measured.append((benchmark.id, metric.name, test))
            }
        }
        let miscoverage = alpha / Double(max(1, measured.count))
        let floors = measured.map { m in
            log1p(
                MinimumDetectableEffect.paired(
                    tolerance: 0, standardError: m.test.standardError, degreesOfFreedom: m.test.degreesOfFreedom,
                    miscoverage: miscoverage))
        }
        let key = zip(measured, floors).filter { ["p50", "p99", "throughput"].contains($0.0.metric) }.map { expm1($0.1) }.sorted()
        let covering = key.isEmpty ? 0.03 : Quantile.quantile(sorted: key, 0.9)
        let proposed = min(0.10, max(0.02, (covering * 200).rounded(.up) / 200))
        let entries = zip(measured, floors).map { m, floor in
            Entry(
                benchmark: m.benchmark, metric: m.metric, logRatioStd: m.test.standardDeviation,
                noise: m.test.standardDeviation / 2.0.squareRoot(), noiseFloor: floor,
                minimumDetectableEffect: exp(log1p(proposed) + floor) - 1, change: exp(m.test.mean) - 1)
        }
        return Calibration(
            scenario: scenario, profile: profile, pairs: pairs, alpha: alpha, createdAt: Date(), entries: entries,
            proposedPairedTolerance: proposed)
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
            "calibration of profile \(profile), \(scenario) scenario, \(pairs) A/A pairs "
                + "(α = \(Format.pValue(alpha)) over \(entries.count) metrics, 80 % power):",
            "noise      MDE       A/A change  benchmark metric",
        ]
        for e in entries.sorted(by: { $0.noise > $1.noise }) {
            lines.append(
                String(
                    format: "%6.2f %%  %6.2f %%  %+7.2f %%    %@ %@", e.noise * 100, e.minimumDetectableEffect * 100, e.change * 100,
                    e.benchmark, e.metric))
        }
        lines.append(
            String(
                format: "proposed paired tolerance: %.1f %% (at or above 90 %% of the p50/p99/throughput noise floors, so a change "
                    + "of twice it is caught with 80 %% probability at %d pairs for those metrics); MDE above: the change caught "
                    + "with 80 %% probability at that tolerance",
                proposedPairedTolerance * 100, pairs))
        return lines.joined(separator: "\n")
    }
}
