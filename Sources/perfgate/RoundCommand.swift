import ArgumentParser
import WALBenchmarks

/// The child side of a round (see ``RoundInvocation``): runs one round of one benchmark and prints
/// its report as one JSON line.
struct RoundCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: RoundInvocation.commandName, abstract: "Run one round of one benchmark (used by `perfgate run`).", shouldDisplay: false
    )

    @Option var benchmark: String
    @Option var scenario: Scenario = .ci
    @Option var dir: String
    @Option var seed: UInt64 = 1

    func run() throws {
        try withExitCodes {
            print(try RoundInvocation(benchmark: benchmark, scenario: scenario, directory: dir, seed: seed).runHere())
        }
    }
}
