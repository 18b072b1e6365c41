import ArgumentParser
import Foundation
import PerfgateCore
import PerfgateSession
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

            Exit codes: \(ExitStatus.oneLine).
            """)

    @Option(
        help: ArgumentHelp(
            "The baseline: a result file, or a git revision whose note holds a run of the same scenario.",
            valueName: "file|rev"))
    var baseline: String?

    @Option(
        help: ArgumentHelp(
            "The current run: a result file or a git revision. Default: .perfgate/latest-<scenario>.json.",
            valueName: "file|rev"))
    var current: String?

    @Option(
        help: ArgumentHelp(
            "Read baselines and perfgate.json from this commit (default: the PR's base on GitHub Actions, else the work tree).",
            valueName: "rev"))
    var baseRef: String?

    @Option(help: "Scenario of the default paths (and of the suite in --against mode).")
    var scenario: Scenario = .ci

    @OptionGroup(title: "Paired A/B mode") var paired: PairedOptions
    @OptionGroup(title: "Gate policy and reports") var gate: GateOptions
    @OptionGroup(title: "Reading other harnesses' results") var input: InputFormatOptions

    func run() throws {
        try withExitCodes {
            let session = gate.session()
            if paired.isRequested {
                let report = try paired.comparison(scenario: scenario)
                    .run(
                        session: session, note: Terminal.note,
                        progress: { line, final in
                            if final || Terminal.stderrIsTerminal { Terminal.progress(line, final: final) }
                        })
                try gate.emit(report, session: session)
                return
            }
            let argument = current ?? ".perfgate/latest-\(scenario.rawValue).json"
            let (result, source) = try ResultSource.load(
                argument, scenario: scenario.rawValue, loadFile: input.load, repository: session.repository)
            let explicit = try baseline.map {
                try ResultSource.load($0, scenario: result.run.scenario, loadFile: input.load, repository: session.repository)
            }
            let report = try session.report(current: result, currentSource: source, explicitBaseline: explicit, baseRef: baseRef)
            try gate.emit(report, session: session)
        }
    }
}

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
        return comparison
    }

    func validate() throws {
        guard initialPairs >= 2, step >= 1, maxPairs >= initialPairs else {
            throw ValidationError(
                "--initial-pairs \(initialPairs), --step \(step), --max-pairs \(maxPairs): the paired test needs "
                    + "at least 2 pairs, a step of at least 1 and a cap no lower than the first look; e.g. the defaults 8, 4 and 512")
        }
        if against != nil && againstMergeBase {
            throw ValidationError("--against and --against-merge-base both name the base; pass one")
        }
    }
}
