import Foundation

/// One run reduced to what a history chart draws and its change-point analysis reads: for each
/// metric, the median of its usable rounds, their range and their scatter. The history dashboard
/// keeps these instead of the rounds (10,000 commits of the ci scenario hold about 100 million
/// rounds) and caches them per note, so a long history is decoded once, not on every render.
public struct RunDigest: Sendable, Equatable {
    /// One metric of one benchmark in the run.
    public struct Point: Sendable, Equatable {
        public var key: ResultHistory.SeriesKey
        /// The median of the usable rounds (> 0 and finite).
        public var median: Double
        /// The smallest and largest usable round.
        public var low: Double
        public var high: Double
        /// (π/2) · var(log rounds) / n, the median's own variance; nil with a single round.
        public var ownVariance: Double?

        public init(key: ResultHistory.SeriesKey, median: Double, low: Double, high: Double, ownVariance: Double?) {
            self.key = key
            self.median = median
            self.low = low
            self.high = high
            self.ownVariance = ownVariance
        }

        /// What the change-point detector reads of this commit.
        public var summary: PenalizedSegmentation.CommitSummary {
            PenalizedSegmentation.CommitSummary(logMedian: log(median), ownVariance: ownVariance)
        }
    }

    public var points: [Point]

    public init(points: [Point]) { self.points = points }

    /// The digest of `run`: every available metric with at least one usable round, in the run's order.
    public init(_ run: ResultFile) {
        var points: [Point] = []
        for benchmark in run.benchmarks {
            for metric in benchmark.metrics where metric.available {
                let usable: (Double) -> Bool = { $0 > 0 && $0.isFinite }
                let samples = metric.samples.allSatisfy(usable) ? metric.samples : metric.samples.filter(usable)
                guard let median = Quantile.median(samples), let low = samples.min(), let high = samples.max(),
                    let summary = PenalizedSegmentation.CommitSummary(rounds: samples)
                else { continue }
                let key = ResultHistory.SeriesKey(
                    benchmark: benchmark.id, metric: metric.name, unit: metric.unit, direction: metric.direction)
                points.append(Point(key: key, median: median, low: low, high: high, ownVariance: summary.ownVariance))
            }
        }
        self.points = points
    }
}
