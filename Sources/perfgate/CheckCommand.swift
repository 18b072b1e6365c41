import ArgumentParser
import Foundation
import PerfgateCore
import WALBenchmarks

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "The main job: run the ci scenario, record it, compare it with the baseline and check the targets.",
        discussion: """
        Equivalent to `perfgate run --scenario ci --record` followed by `perfgate compare`. The \
        result is recorded in git notes only when the work tree is clean. The configuration, the \
        options and an explicit --baseline are checked before anything is measured.

        Exit codes: \(GateExit.oneLine).
        """)

    @OptionGroup var suite: SuiteOptions

    @Option(help: ArgumentHelp("The baseline: a result file or a git revision (default: baselines/<profile>/<scenario>.json).",
                               valueName: "file|rev"))
    var baseline: String?

    @Option(help: ArgumentHelp("Read baselines and perfgate.json from this commit (default: the PR's base on GitHub Actions).",
                               valueName: "rev"))
    var baseRef: String?

    @Flag(help: "Do not record the result in git notes.")
    var noRecord = false

    @OptionGroup(title: "Gate policy and reports") var gate: GateOptions
    @OptionGroup(title: "Reading other harnesses' results") var input: InputFormatOptions

    func run() throws {
        try withExitCodes {
            // Everything that can be wrong with the input is found before minutes of measuring.
            let runner = GateRunner(options: gate, scenario: suite.scenario.rawValue)
            _ = try runner.configuration(base: try runner.baseCommit(baseRef: baseRef), known: BenchmarkCatalog.allIDs)
            if let baseline { _ = try GateRunner.loadResult(baseline, scenario: suite.scenario.rawValue, input: input) }
            let repository = try? GitContext.repository()
            var result = try RunCommand.runSuite(scenario: suite.scenario, filters: suite.filters, dir: suite.dir, rounds: suite.rounds,
                                                 seed: 1, profile: gate.profile)
            if let repository { try? GitContext.stamp(&result, repository: repository) }
            let path = ".perfgate/latest-\(suite.scenario.rawValue).json"
            try result.write(to: path)
            SuiteSummary.print(result)
            Terminal.note("wrote \(path)")
            if !noRecord, let repository, !result.run.dirty, result.run.commit != nil {
                do {
                    try GitContext.record(result, repository: repository, allowDirty: false, source: path)
                    Terminal.note("recorded run \(result.run.runID.prefix(8)) in refs/notes/perfgate")
                } catch {
                    Terminal.note("note: not recorded in git notes: \(error)")
                }
            }
            print("")
            try runner.gate(current: result, currentSource: path, baselineArgument: baseline, baseRef: baseRef, input: input)
        }
    }
}
