import PerfgateCore

/// Pairs measured earlier, served in the order they were measured: `perfgate judge` runs the look
/// loop (``PairedLooks``) over them exactly as it would over live rounds, so the verdict is reached
/// by the same looks and α spending — with the judge's code and configuration, not the measurer's.
final class RecordedRounds: PairedRounds {
    private let base: [BenchmarkResult]
    private let head: [BenchmarkResult]
    private(set) var pairs = 0
    /// One "second" per pair: the judge's budget is the number of recorded pairs.
    var measuredSeconds: Double { Double(pairs) }
    let available: Int?

    /// Pairs of `base` and `head`, aligned by sample index (the files `perfgate compare --against
    /// --save-measurements` writes); as many as the benchmark with the most samples has. A
    /// benchmark with fewer (its shard's loop stopped sooner) is analysed at later looks with all it
    /// has, as a benchmark a confirmation stopped running is: each look's interval is valid at that
    /// look's level whatever data it sees, so the union bound over the looks still holds.
    init(base: [BenchmarkResult], head: [BenchmarkResult]) {
        self.base = base
        self.head = head
        available = (base + head).flatMap { $0.metrics.filter(\.available).map(\.samples.count) }.max() ?? 0
    }

    /// The fewest pairs any benchmark has.
    var fewest: Int { (base + head).flatMap { $0.metrics.filter(\.available).map(\.samples.count) }.min() ?? 0 }

    func runPairs(_ count: Int, progress: (Int, String) -> Void) throws { pairs = min(pairs + count, available ?? 0) }

    func results() -> (a: [BenchmarkResult], b: [BenchmarkResult]) { (Self.prefix(base, pairs), Self.prefix(head, pairs)) }

    func narrow(to benchmarks: Set<String>) {}

    /// `results` with every metric's first `count` samples.
    static func prefix(_ results: [BenchmarkResult], _ count: Int) -> [BenchmarkResult] {
        results.map { result in
            var result = result
            for index in result.metrics.indices { result.metrics[index].samples = Array(result.metrics[index].samples.prefix(count)) }
            return result
        }
    }
}
