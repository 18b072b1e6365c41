// swift-format-ignore-file: AmbiguousTrailingClosureOverload

// (time and region have a throwing and a non-throwing overload on purpose: the non-throwing one
// serves closures inside non-throwing contexts, the throwing one rethrows what the body threw.)
import Glibc

/// What one round of one benchmark gets: a fresh directory, the scenario, a seed, and the
/// slowdown hook used to measure the gate's power (never active in normal runs).
public struct RoundContext: Sendable {
    public var directory: String
    public var scenario: Scenario
    public var seed: UInt64
    /// Extra fraction of each measured time to burn, e.g. 0.05 for a 5 % slowdown. Set by
    /// `PERFGATE_INJECT_SLOWDOWN=GLOB=PERCENT` for matching benchmarks; it slows the harness,
    /// never the WAL, so the measured slowdown is exactly the injected one.
    public var slowdown: Double
    /// Whether this round runs under callgrind (``InstructionCount``): measured regions then run
    /// in `perfgate_measured_region`, the function callgrind counts inside.
    public var countsInstructions: Bool

    public init(directory: String, scenario: Scenario, seed: UInt64, slowdown: Double = 0, countsInstructions: Bool = false) {
        self.directory = directory
        self.scenario = scenario
        self.seed = seed
        self.slowdown = slowdown
        self.countsInstructions = countsInstructions
    }

    /// Spins for `slowdown × elapsed` and returns the padded time.
    @inline(__always)
    func padded(_ elapsed: UInt64) -> UInt64 {
        guard slowdown > 0 else { return elapsed }
        let extra = UInt64(Double(elapsed) * slowdown)
        let until = nowNanos() + extra
        while nowNanos() < until {}
        return elapsed + extra
    }

    /// Times `body` once, with the slowdown applied (under callgrind: counts it, returns 1).
    @inline(__always)
    func time(_ body: () -> Void) -> UInt64 {
        if countsInstructions {
            InstructionCount.region(body)
            return 1
        }
        let start = nowNanos()
        body()
        return padded(nowNanos() - start)
    }

    /// Times a throwing `body` once, with the slowdown applied (under callgrind: counts it, returns 1).
    @inline(__always)
    func time(_ body: () throws -> Void) throws -> UInt64 {
        if countsInstructions {
            try InstructionCount.region(body)
            return 1
        }
        let start = nowNanos()
        try body()
        return padded(nowNanos() - start)
    }

    /// A subdirectory for one log.
    func path(_ name: String) -> String { directory + "/" + name }
}
