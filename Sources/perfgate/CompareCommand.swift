import ArgumentParser
import Foundation
import PerfgateCore

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

    @Option(help: "Scenario of the default paths.")
    var scenario = "ci"

    @OptionGroup var gate: GateOptions
    @OptionGroup var input: InputFormatOptions

    func run() throws {
        try withExitCodes {
            let argument = current ?? ".perfgate/latest-\(scenario).json"
            let (result, source) = try GateRunner.loadResult(argument, scenario: scenario, input: input)
            try GateRunner(options: gate, scenario: result.run.scenario)
                .gate(current: result, currentSource: source, baselineArgument: baseline, baseRef: baseRef, input: input)
        }
    }
}
