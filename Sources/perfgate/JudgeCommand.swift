import ArgumentParser
import PerfgateCore
import PerfgateSession
import WALBenchmarks

/// `perfgate judge`: the trusted half of a pull request's gate (see ``PairedJudge``).
struct JudgeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "judge",
        abstract: "Give the verdict on a pull request's saved A/B measurement, with this (trusted) build's rules.",
        discussion: """
            The pull request's job measures with `perfgate compare --against BASE --save-measurements DIR` \
            and uploads DIR; a job defined on the default branch builds perfgate from trusted code and \
            runs `perfgate judge DIR --base BASE --head HEAD`. The judge checks the measurement (its \
            commits, one machine for both sides, the scenario, pairs aligned on both sides, every \
            benchmark of its own suite present: a deleted benchmark fails) and replays the paired looks \
            over the recorded pairs with perfgate.json at the base commit. Pass one DIR per shard of a \
            sharded measurement.

            Exit codes: \(ExitStatus.oneLine).
            """)

    @Argument(help: ArgumentHelp("Directories holding base.json and head.json (one per shard).", valueName: "dir"))
    var measurements: [String]

    @Option(help: ArgumentHelp("The commit the base side must be of (the pull request's base).", valueName: "sha"))
    var base: String?

    @Option(help: ArgumentHelp("The commit the head side must be of (the pull request's head).", valueName: "sha"))
    var head: String?

    @Option(help: "The scenario the measurement must be of.")
    var scenario: Scenario = .ci

    @OptionGroup(title: "Gate policy and reports") var gate: GateOptions

    func validate() throws {
        if measurements.isEmpty { throw ValidationError("name at least one measurement directory (DIR holding base.json and head.json)") }
    }

    func run() throws {
        try withExitCodes {
            let session = gate.session()
            var judge = PairedJudge(directories: measurements, scenario: scenario)
            judge.expectedBase = base
            judge.expectedHead = head
            try gate.emit(try judge.judge(session: session), session: session)
        }
    }
}
