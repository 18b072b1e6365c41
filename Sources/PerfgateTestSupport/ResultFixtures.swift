import Foundation
import PerfgateCore
import PerfgateSupport

/// Result files built in code for tests: a machine, a result from metrics, and noisy samples.
public enum ResultFixtures {
    /// A test machine of `profile` (default `test-2c`).
    public static func machine(profile: String = "test-2c", cpuModel: String = "Test CPU") -> MachineFingerprint {
        MachineFingerprint(
            cpuModel: cpuModel, cores: 2, memoryBytes: 1 << 30, kernel: "6.1", architecture: "x86_64", filesystem: "ext4",
            profile: profile)
    }

    /// A release-build result of `scenario` holding `metrics` by benchmark id (sorted), each
    /// benchmark tagged with `operations`.
    public static func result(
        _ metrics: [String: [Metric]], scenario: String = "ci", operations: Int = 10_000,
        machine: MachineFingerprint = machine(), commit: String? = String(repeating: "b", count: 40)
    ) -> ResultFile {
        let rounds = metrics.values.flatMap { $0 }.map(\.samples.count).max() ?? 0
        let run = RunMetadata(
            scenario: scenario, commit: commit, startedAt: Date(), finishedAt: Date(),
            toolchain: "Swift 6.3", buildConfiguration: "release", machine: machine, rounds: rounds)
        return ResultFile(
            run: run,
            benchmarks: metrics.keys.sorted().map {
                BenchmarkResult(id: $0, tags: ["operations": "\(operations)"], metrics: metrics[$0]!)
            })
    }

    /// A lower-is-better timing in nanoseconds.
    public static func latency(_ samples: [Double], name: String = "p50") -> Metric {
        Metric(name: name, unit: "ns", direction: .lowerIsBetter, samples: samples)
    }

    /// `n` samples around `level` with normal noise of coefficient of variation `cv` (Box–Muller).
    public static func noisy(_ level: Double, cv: Double, n: Int = 10, rng: inout SplitMix64) -> [Double] {
        (0..<n).map { _ in
            let u1 = Double(rng.next() % 1_000_000 + 1) / 1_000_001
            let u2 = Double(rng.next() % 1_000_000) / 1_000_000
            return level * (1 + cv * (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2))
        }
    }

    /// A standard normal draw (Box–Muller on full-precision uniforms), for simulations.
    public static func gaussian(_ rng: inout SplitMix64) -> Double {
        let u1 = Double.random(in: Double.leastNonzeroMagnitude..<1, using: &rng)
        let u2 = Double.random(in: 0..<1, using: &rng)
        return (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
    }
}
