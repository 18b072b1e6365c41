import ArgumentParser
import Foundation
import PerfgateCore
import WALBenchmarks

struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare a run with its baseline and give each metric a verdict.",
        discussion: """
        Verdicts: regressed, improved, unchanged (within tolerance) or inconclusive (too noisy to \
        tell), each with the relative change, its 95 % interval, the Holm-corrected p-value and the \
        sample counts. Absolute targets from perfgate.json are checked too.

        Without --baseline, the baseline is baselines/<profile>/<scenario>.json — read from the \
        pull request's base commit on GitHub Actions (or --base-ref), so a PR cannot loosen its own gate.

        Exit codes: 0 pass, 1 regression or failed target, 2 bad input or usage, 3 no baseline, \
        4 inconclusive (only with --strict).
        """)

    @Option(help: "The baseline: a result file, or a git revision whose note holds a run of the same scenario.")
    var baseline: String?

    @Option(help: "The current run: a result file or a git revision. Default: .perfgate/latest-<scenario>.json.")
    var current: String?

    @Option(help: "Read baselines and perfgate.json from this commit (default: the PR's base on GitHub Actions, else the work tree).")
    var baseRef: String?

    @Option(help: "Scenario of the default paths (and of the suite in --against mode).")
    var scenario = "ci"

    @Option(help: "Paired A/B mode: build REF and the work tree in release and run them in interleaved ABBA rounds on this machine.")
    var against: String?

    @Flag(help: "Paired A/B mode against the merge base with the default branch.")
    var againstMergeBase = false

    @Option(help: "Time budget of the A/B measurement (e.g. 5m); undecided metrics are inconclusive at the budget.")
    var budget = "5m"

    @Option(name: .customLong("filter"), help: "A/B mode: only benchmarks matching this glob (repeatable).")
    var filters: [String] = []

    @Option(help: "A/B mode: pairs of rounds before the first look.")
    var initialPairs = 8

    @Option(help: "A/B mode: fewest pairs added per further look (each look at least doubles the pairs).")
    var step = 4

    @Option(help: "A/B mode: most pairs of rounds (the budget usually stops sooner). α is split over the looks up to this cap.")
    var maxPairs = 512

    @Option(help: .hidden) var baseBinary: String?
    @Option(help: .hidden) var headBinary: String?
    @Option(help: .hidden) var headSlowdown: String?

    @OptionGroup var gate: GateOptions
    @OptionGroup var input: InputFormatOptions

    func run() throws {
        try withExitCodes {
            if against != nil || againstMergeBase {
                guard let suiteScenario = Scenario(rawValue: scenario) else {
                    throw PerfgateError(.usage, "unknown --scenario '\(scenario)'")
                }
                guard initialPairs >= 2, step >= 1, maxPairs >= initialPairs else {
                    throw PerfgateError(.usage, "--initial-pairs \(initialPairs), --step \(step), --max-pairs \(maxPairs): the paired test needs "
                                        + "at least 2 pairs, a step of at least 1 and a cap no lower than the first look; e.g. the defaults 8, 4 and 512")
                }
                try PairedCompare(gate: gate, scenario: suiteScenario, filters: filters, budgetSeconds: try parseDuration(budget),
                                  initialPairs: initialPairs, step: step, maxPairs: maxPairs, baseBinary: baseBinary,
                                  headBinary: headBinary, headSlowdown: headSlowdown).run(against: against)
                return
            }
            let argument = current ?? ".perfgate/latest-\(scenario).json"
            let (result, source) = try GateRunner.loadResult(argument, scenario: scenario, input: input)
            try GateRunner(options: gate, scenario: result.run.scenario)
                .gate(current: result, currentSource: source, baselineArgument: baseline, baseRef: baseRef, input: input)
        }
    }
}
