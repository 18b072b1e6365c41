import ArgumentParser
import Foundation
import WALBenchmarks

/// The child side of a round: runs one round of one benchmark and prints its report as one JSON line.
struct RoundCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "_round", abstract: "Run one round of one benchmark (used by `perfgate run`).", shouldDisplay: false)

    @Option var benchmark: String
    @Option var scenario: Scenario = .ci
    @Option var dir: String
    @Option var seed: UInt64 = 1

    func run() throws {
        try withExitCodes {
            let line = try SuiteRunner.runRoundInProcess(benchmark: benchmark, scenario: scenario, directory: dir, seed: seed,
                                                         slowdownSpec: ProcessInfo.processInfo.environment["PERFGATE_INJECT_SLOWDOWN"])
            print(line)
        }
    }
}

