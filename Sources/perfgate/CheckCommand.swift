import ArgumentParser
import Foundation
import PerfgateCore
import PerfgateSession
import WALBenchmarks

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "The main job: run the ci scenario, record it, compare it with the baseline and check the targets.",
        discussion: """
            Runs the ci scenario, records it (in git notes, only when the work tree is clean), and \
            compares it with the stored baseline: the screen. Timings the screen calls regressed are \
            then confirmed in paired A/B rounds against the baseline's commit (built in release and \
            cached by commit), and only a confirmed regression fails the build; --no-confirm skips \
            that. The configuration, the options and an explicit --baseline are checked before \
            anything is measured.

            Exit codes: \(ExitStatus.oneLine).
            """)

    @OptionGroup var suite: SuiteOptions

    @Option(
        help: ArgumentHelp(
            "The baseline: a result file or a git revision (default: baselines/<profile>/<scenario>.json).",
            valueName: "file|rev"))
    var baseline: String?

    @Option(
        help: ArgumentHelp(
            "Read baselines and perfgate.json from this commit (default: the PR's base on GitHub Actions).",
            valueName: "rev"))
    var baseRef: String?

    @Flag(help: "Do not record the result in git notes.")
    var noRecord = false

    @Flag(help: "Fail on the stored-baseline comparison alone, without confirming its regressions in paired A/B rounds.")
    var noConfirm = false

    @Option(help: "Time budget of the paired confirmation of flagged regressions (e.g. 300s, 5m).")
    var confirmBudget = Budget(argument: "5m")!

    @OptionGroup(title: "Gate policy and reports") var gate: GateOptions
    @OptionGroup(title: "Reading other harnesses' results") var input: InputFormatOptions

    func run() throws {
        try withExitCodes {
            // Everything that can be wrong with the input is found before minutes of measuring.
            let session = gate.session()
            _ = try session.configuration(base: try session.baseCommit(baseRef: baseRef))
            let explicit = try baseline.map {
                try ResultSource.load($0, scenario: suite.scenario.rawValue, loadFile: input.load, repository: session.repository)
            }
            var result = try suite.run(profile: gate.profile)
            if let repository = session.repository {
                try? GitRecording.stamp(&result, repository: repository, github: session.environment.github)
            }
            let path = ".perfgate/latest-\(suite.scenario.rawValue).json"
            try result.write(to: path)
            print("\n" + SuiteScore.summary(result).joined(separator: "\n"))
            Terminal.note("wrote \(path)")
            if !noRecord, let repository = session.repository, !result.run.dirty, result.run.commit != nil {
                do {
                    try GitRecording.record(result, repository: repository, allowDirty: false, source: path)
                    Terminal.note("recorded run \(result.run.runID.prefix(8)) in refs/notes/perfgate")
                } catch {
                    Terminal.note("note: not recorded in git notes: \(error)")
                }
            }
            print("")
            var report = try session.report(
                current: result, currentSource: path, explicitBaseline: explicit, baseRef: baseRef, screening: !noConfirm)
            if !noConfirm {
                var confirmation = Confirmation(budgetSeconds: confirmBudget.seconds, headBinary: Terminal.executablePath)
                // A slowdown injected into this run (the gate's own power runs) slows the head side
                // of the confirmation too: its sides get the variable explicitly, so the head would
                // otherwise re-measure the code without it and rule out the very slowdown injected.
                if let injected = session.environment.variables[RoundInvocation.slowdownVariable], !injected.isEmpty {
                    confirmation.headSlowdown = injected
                }
                report =
                    confirmation
                    .confirm(
                        report, scenario: suite.scenario, session: session, note: Terminal.note,
                        progress: { line, final in if final || Terminal.stderrIsTerminal { Terminal.progress(line, final: final) } })
            }
            try gate.emit(report, session: session)
        }
    }
}
