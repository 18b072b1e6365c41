import ArgumentParser
import WALBenchmarks

struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List the benchmarks of a scenario.")

    @Option(help: "The scenario: \(Scenario.allCases.map(\.rawValue).joined(separator: ", ")).")
    var scenario: Scenario = .ci

    func run() {
        let benchmarks = BenchmarkCatalog.benchmarks(for: scenario)
        print("\(scenario.rawValue): \(scenario.summary); \(benchmarks.count) benchmarks × \(scenario.rounds) rounds")
        for benchmark in benchmarks { print("  \(benchmark.id)") }
    }
}
