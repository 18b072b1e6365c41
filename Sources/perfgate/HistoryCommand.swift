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

    @Option(help: "How many commits to walk (default 30; with --changes, the whole first-parent history).")
    var limit: Int?

    @Flag(help: "Print JSON instead of a table (with --changes: the change points).")
    var json = false

    @Flag(
        help: ArgumentHelp(
            "Find change points in each series and name the first commit of each new level.",
            discussion:
                "By default a penalized segmentation of every commit's recorded rounds (weighted by how much each session "
                + "is worth, robust to single odd sessions, deterministic); --method e-divisive uses Apache Otava's "
                + "E-divisive means on one median per commit instead."))
    var changes = false

    @Option(help: "With --changes: segmentation (default) or e-divisive.")
    var method: ChangeMethodName = .segmentation

    @Option(help: "With --changes: the p-value a change point must reach.")
    var maxPValue = 0.001

    @Option(help: "With --changes: the smallest relative change of the level worth reporting (default 0: every significant one).")
    var minMagnitude = 0.0

    @Option(help: "With --changes: seconds of analysis before the remaining series are left out (and said to be).")
    var budget = 10.0

    enum ChangeMethodName: String, ExpressibleByArgument, CaseIterable {
        case segmentation
        case eDivisive = "e-divisive"
    }

    func validate() throws {
        if let limit, limit < 1 {
            throw ValidationError("--limit \(limit): walk at least 1 commit (or leave it out for the whole history)")
        }
        guard (0..<1).contains(maxPValue), maxPValue > 0 else { throw ValidationError("--max-pvalue \(maxPValue) is not in (0, 1)") }
        guard minMagnitude >= 0 else { throw ValidationError("--min-magnitude \(minMagnitude) is negative; use e.g. 0.03 for 3 %") }
        guard budget > 0 else { throw ValidationError("--budget \(budget): give the analysis some seconds, e.g. 10") }
    }

    func run() throws {
        try withExitCodes {
            let repository = try GitRecording.repository()
            let depth = limit ?? (changes ? Int.max : 30)
            let history = try HistoryLoader.load(repository: repository, ref: ref, limit: depth)
            let within = depth == Int.max ? "in the recorded history" : "in the last \(depth) commits"
            let series = history.series(benchmark: benchmark, metric: metric)
            if series.isEmpty && benchmark != nil && history.metricNames(benchmark: benchmark).isEmpty {
                throw PerfgateError(.usage, "--benchmark '\(benchmark!)' matches no recorded benchmark \(within)")
            }
            if let metric, series.isEmpty, case let recorded = history.metricNames(benchmark: benchmark), !recorded.isEmpty {
                throw PerfgateError(
                    .usage,
                    "--metric '\(metric)' is not a metric of the recorded "
                        + (benchmark.map { "benchmarks matching '\($0)'" } ?? "results")
                        + " \(within); recorded metrics: \(recorded.sorted().joined(separator: ", "))")
            }
            if changes {
                let detector: HistoryReport.ChangeMethod =
                    method == .segmentation
                    ? .segmentation(PenalizedSegmentation(maxPValue: maxPValue, minMagnitude: minMagnitude))
                    : .eDivisive(ChangePointDetector(maxPValue: maxPValue, minMagnitude: minMagnitude))
                let found = HistoryReport.findChanges(history, series: series, method: detector, budgetSeconds: budget)
                print(
                    json
                        ? try HistoryReport.changesJSON(found, series: series.count, commits: history.entries.count)
                        : HistoryReport.changes(found, series: series.count, commits: history.entries.count))
            } else if json {
                print(try HistoryReport.json(history, series: series))
            } else {
                print(HistoryReport.table(history, series: series))
            }
            for warning in history.warnings { Terminal.note("note: \(warning)") }
        }
    }
}
