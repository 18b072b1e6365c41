import ArgumentParser
import Foundation
import PerfgateCore
import PerfgateSession
import WALBenchmarks

/// The options of `compare --against`: what to build, and how long and how far to sample.
struct PairedOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Build REF and the work tree in release and run them in interleaved ABBA rounds on this machine.",
            valueName: "ref"))
    var against: String?

    @Flag(help: "Paired A/B mode against the merge base with the default branch.")
    var againstMergeBase = false

    @Option(help: "Time budget of the measurement (e.g. 300s, 5m, 1h); metrics still undecided then are inconclusive.")
    var budget = Budget(argument: "5m")!

    @Option(name: .customLong("filter"), help: ArgumentHelp("Only benchmarks matching this glob (repeatable).", valueName: "glob"))
    var filters: [String] = []

    @Option(help: ArgumentHelp("Pairs of rounds before the first look (at least 2).", valueName: "n"))
    var initialPairs = 8

    @Option(help: ArgumentHelp("Fewest pairs added per further look (each look at least doubles the pairs).", valueName: "n"))
    var step = 4

    @Option(
        help: ArgumentHelp(
            "Most pairs of rounds (the budget usually stops sooner). α is split over the looks up to this cap.",
            valueName: "n"))
    var maxPairs = 512

    @Option(
        help: ArgumentHelp(
            "Save the measured pairs (base.json, head.json) in this directory for `perfgate judge`, which gives the "
                + "verdict with trusted code (the workflow's judge job).", valueName: "dir"))
    var saveMeasurements: String?

    @Option(
        help: ArgumentHelp(
            "Measure only share i of N of the benchmarks (e.g. 2/3), for a pull request's measurement spread over N "
                + "runners; `perfgate judge` joins the shards.", valueName: "i/N"))
    var shard: String?

    @Option(help: .hidden) var baseBinary: String?
    @Option(help: .hidden) var headBinary: String?
    @Option(help: .hidden) var headSlowdown: String?

    /// Whether the paired mode was asked for.
    var isRequested: Bool { against != nil || againstMergeBase }

    /// The paired comparison these options describe.
    func comparison(scenario: Scenario) -> PairedComparison {
        var comparison = PairedComparison(
            scenario: scenario, against: against, filters: filters, initialPairs: initialPairs, step: step,
            maxPairs: maxPairs, budgetSeconds: budget.seconds)
        comparison.baseBinary = baseBinary
        comparison.headBinary = headBinary
        comparison.headSlowdown = headSlowdown
        comparison.measurementsDirectory = saveMeasurements
        comparison.shard = try? shard.map { try Shard.parse($0, group: Self.shardGroup) }
        return comparison
    }

    /// The group that joins a measurement's shards: the workflow run on GitHub Actions.
    static var shardGroup: String {
        let environment = ProcessInfo.processInfo.environment
        return environment["GITHUB_RUN_ID"].map { "\($0)-\(environment["GITHUB_RUN_ATTEMPT"] ?? "1")" } ?? "manual"
    }

    func validate() throws {
        guard initialPairs >= 2, step >= 1, maxPairs >= initialPairs else {
            throw ValidationError(
                "--initial-pairs \(initialPairs), --step \(step), --max-pairs \(maxPairs): the paired test needs "
                    + "at least 2 pairs, a step of at least 1 and a cap no lower than the first look; e.g. the defaults 8, 4 and 512")
        }
        if let shard { try usageCheck { _ = try Shard.parse(shard, group: "-") } }
        if (saveMeasurements != nil || shard != nil) && !isRequested {
            throw ValidationError("--save-measurements and --shard belong to the paired mode: add --against REF")
        }
        if against != nil && againstMergeBase {
            throw ValidationError("--against and --against-merge-base both name the base; pass one")
        }
    }
}
