import PerfgateCore

/// A source of paired rounds for ``PairedLooks``: runs pairs of rounds (A then B, or B then A)
/// and hands over the samples so far. The suite's `PairedSession` is the real one; tests supply
/// synthetic samples, so the look loop runs without building or measuring anything.
public protocol PairedRounds: AnyObject {
    /// Pairs run so far.
    var pairs: Int { get }
    /// Seconds of measurement so far (builds excluded).
    var measuredSeconds: Double { get }
    /// Runs `count` more pairs; `progress` gets the pair's index and the benchmark being run.
    func runPairs(_ count: Int, progress: (Int, String) -> Void) throws
    /// Every benchmark's samples of side A and of side B, round for round.
    func results() -> (a: [BenchmarkResult], b: [BenchmarkResult])
    /// Later pairs run only `benchmarks` (ids); the others keep the samples they have.
    func narrow(to benchmarks: Set<String>)
    /// Mean seconds one pair of `benchmark` (both sides) has taken so far; nil when unknown.
    func secondsPerPair(of benchmark: String) -> Double?
    /// The most pairs these rounds can ever give (recorded pairs), or nil when more can always be run.
    var available: Int? { get }
}

extension PairedRounds {
    /// Unknown by default: the look loop then shares a pair's time equally among the benchmarks.
    public func secondsPerPair(of benchmark: String) -> Double? { nil }
    /// Unlimited by default: live rounds can always run another pair.
    public var available: Int? { nil }
}
