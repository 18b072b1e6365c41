import Foundation

/// The protocol between `perfgate run` and the child process that runs one round of one
/// benchmark: `perfgate _round --benchmark ID --scenario S --dir DIR --seed N`, answered by one
/// JSON line (a ``RoundReport``) on standard output. The parent builds the command line here and
/// the child's `_round` command parses the same names, so the two cannot drift apart.
public struct RoundInvocation: Sendable, Equatable {
    /// The hidden subcommand's name.
    public static let commandName = "_round"
    /// An environment variable naming a slowdown to inject into the child (for the gate's own
    /// detection tests): `benchmark-glob=percent`.
    public static let slowdownVariable = "PERFGATE_INJECT_SLOWDOWN"

    public var benchmark: String
    public var scenario: Scenario
    /// A scratch directory of the round's own, removed afterwards.
    public var directory: String
    public var seed: UInt64

    public init(benchmark: String, scenario: Scenario, directory: String, seed: UInt64) {
        self.benchmark = benchmark
        self.scenario = scenario
        self.directory = directory
        self.seed = seed
    }

    /// The child's arguments, subcommand first.
    public var arguments: [String] {
        [Self.commandName, "--benchmark", benchmark, "--scenario", scenario.rawValue, "--dir", directory, "--seed", "\(seed)"]
    }

    /// The child side: runs the round in this process and returns the JSON line to print.
    public func runHere(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> String {
        try SuiteRunner.runRoundInProcess(
            benchmark: benchmark, scenario: scenario, directory: directory, seed: seed,
            slowdownSpec: environment[Self.slowdownVariable], countsInstructions: environment[InstructionCount.variable] == "1")
    }
}
