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
