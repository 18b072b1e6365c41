import ArgumentParser
import PerfgateCore
import WALBenchmarks

struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List the benchmarks of a scenario (or of one shard of it).")

    @Option(help: "The scenario: \(Scenario.allCases.map(\.rawValue).joined(separator: ", ")).")
    var scenario: Scenario = .ci

    @Option(name: .customLong("filter"), help: ArgumentHelp("Only benchmarks whose id matches this glob (repeatable).", valueName: "glob"))
    var filters: [String] = []

    @Option(help: ArgumentHelp("Only the benchmarks `perfgate run --shard i/N` would run.", valueName: "i/N"))
    var shard: String?

    func run() throws {
        try withExitCodes {
            var options = SuiteRunner.Options(scenario: scenario, workDirectory: "/", executable: "")
            options.filters = filters
            options.shard = try shard.map { try Shard.parse($0, group: "-") }
            let benchmarks = try SuiteRunner(options: options).selectedBenchmarks()
            print(
                "\(scenario.rawValue): \(scenario.summary); \(benchmarks.count) benchmarks × \(scenario.rounds) rounds"
                    + (shard.map { " (shard \($0))" } ?? ""))
            for benchmark in benchmarks { print("  \(benchmark.id)") }
        }
    }
}
