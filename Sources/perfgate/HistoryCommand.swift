import ArgumentParser
import Foundation
import PerfgateCore
import PerfgateGit
import PerfgateSession

struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "List recorded values along first-parent history, newest first.",
        discussion: "Commits without a recorded result appear as gaps (–).")

    @Argument(help: "Where to start walking (default HEAD).")
    var ref = "HEAD"

    @Option(help: "Only benchmarks whose id matches this glob.")
    var benchmark: String?

    @Option(help: "The metric to show (default: p99 where present, else throughput, else the first).")
    var metric: String?

    @Option(help: "How many commits to walk.")
    var limit = 30

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    @Flag(help: "Find change points (E-divisive means) in each series and name the first commit of each new level.")
    var changes = false

    @Option(help: "With --changes: the p-value a change point must reach.")
    var maxPValue = 0.001

    @Option(help: "With --changes: the smallest relative change of the mean worth reporting.")
    var minMagnitude = 0.05

    func run() throws {
        try withExitCodes {
            let repository = try GitRecording.repository()
            let history = try HistoryLoader.load(repository: repository, ref: ref, limit: limit)
            let series = history.series(benchmark: benchmark, metric: metric)
            if series.isEmpty && benchmark != nil && history.metricNames(benchmark: benchmark).isEmpty {
                throw PerfgateError(.usage, "--benchmark '\(benchmark!)' matches no recorded benchmark in the last \(limit) commits")
            }
            if let metric, series.isEmpty, case let recorded = history.metricNames(benchmark: benchmark), !recorded.isEmpty {
                throw PerfgateError(
                    .usage,
                    "--metric '\(metric)' is not a metric of the recorded "
                        + (benchmark.map { "benchmarks matching '\($0)'" } ?? "results")
                        + " in the last \(limit) commits; recorded metrics: \(recorded.sorted().joined(separator: ", "))")
            }
            if changes {
                print(
                    HistoryReport.changes(
                        history, series: series, detector: ChangePointDetector(maxPValue: maxPValue, minMagnitude: minMagnitude)))
            } else if json {
                print(try HistoryReport.json(history, series: series))
            } else {
                print(HistoryReport.table(history, series: series))
            }
            for warning in history.warnings { Terminal.note("note: \(warning)") }
        }
    }
}
