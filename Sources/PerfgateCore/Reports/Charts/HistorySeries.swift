/// One metric's recorded history for the trend charts (the HTML report and the history
/// dashboard): each commit's value oldest first, the range of its rounds, the change points found
/// in it, and the baseline it is held to.
public struct HistorySeries: Sendable {
    public var benchmark: String
    public var metric: String
    public var unit: String
    /// Each commit's value (the median of its rounds), oldest first.
    public var points: [(commit: String, value: Double)]
    /// Per point, the smallest and largest round of that commit's run (empty: not known).
    public var spread: [ClosedRange<Double>]
    public var changePoints: [ChangePointDetector.ChangePoint]
    /// The stored baseline's median and the tolerance around it, when the chart should show them.
    public var baseline: Double?
    public var tolerance: Double?
    /// Where this metric's page in the history dashboard is, for a link from the chart.
    public var link: String?

    /// A series of `points` (oldest first) of one metric, with the change points found in it.
    public init(
        benchmark: String, metric: String, unit: String, points: [(commit: String, value: Double)],
        changePoints: [ChangePointDetector.ChangePoint], spread: [ClosedRange<Double>] = [], baseline: Double? = nil,
        tolerance: Double? = nil, link: String? = nil
    ) {
        self.benchmark = benchmark
        self.metric = metric
        self.unit = unit
        self.points = points
        self.changePoints = changePoints
        self.spread = spread.count == points.count ? spread : []
        self.baseline = baseline
        self.tolerance = tolerance
        self.link = link
    }
}
