import ArgumentParser
import Foundation
import PerfgateCore
import PerfgateSession
import WALBenchmarks

struct BaselineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "baseline", abstract: "Accept a new performance level, or show the current baseline.",
        discussion: """
            Baselines live in baselines/<profile>/<scenario>.json and are committed. Update them on the \
            default branch when a change of level is intended (and say why with --reason); a pull \
            request cannot change the baseline it is gated against, because the gate reads baselines \
            from the base commit.
            """,
        subcommands: [Update.self, Retire.self, Show.self])

    struct Update: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write baselines/<profile>/<scenario>.json from one run or several.",
            discussion: """
                A baseline of several independent runs (sessions), e.g. three runs of the ci scenario at \
                different times, tells the gate how much whole sessions of the same code vary, so it can \
                judge a new session against them instead of against one session's luck. Give each run \
                with --from, or take the last runs recorded in git notes with --last.
                """)

        @Option(help: "A result file or a git revision with a recorded run (repeatable; default: .perfgate/latest-<scenario>.json).")
        var from: [String] = []

        @Option(
            help: ArgumentHelp(
                "Use the last N runs of the scenario recorded along HEAD's history (this machine's profile).", valueName: "n"))
        var last: Int?

        @Option(help: "Why this level is accepted (stored in the baseline).")
        var reason: String?

        @Option(help: "Scenario of the default input.")
        var scenario = "ci"

        @Option(help: ArgumentHelp("Profile directory to write under baselines/ (default: the run's machine profile).", valueName: "name"))
        var profile: String?

        @OptionGroup var input: InputFormatOptions

        func validate() throws {
            if let profile { try usageCheck { try BaselineStore.checkProfileName(profile, flag: "--profile") } }
            if let last, last < 1 { throw ValidationError("--last \(last): give the number of recorded runs to use, at least 1 (e.g. 3)") }
            if last != nil && !from.isEmpty { throw ValidationError("--last and --from both choose the runs; pass one") }
        }

        func run() throws {
            try withExitCodes {
                let repository = try? GitRecording.repository()
                let sessions: [(result: ResultFile, source: String)]
                if let last {
                    guard let repository else { throw PerfgateError(.usage, "--last reads git notes: run it inside the repository") }
                    sessions = try ResultSource.lastRecorded(
                        last, scenario: scenario, profile: profile ?? WALBenchmarksProfile.current, repository: repository)
                } else {
                    sessions = try (from.isEmpty ? [".perfgate/latest-\(scenario).json"] : from).map {
                        try ResultSource.load($0, scenario: scenario, loadFile: input.load, repository: repository)
                    }
                }
                let result = try BaselineSessions.merge(sessions)
                let source =
                    sessions.count == 1
                    ? sessions[0].source : "\(sessions.count) sessions (" + sessions.map(\.source).joined(separator: ", ") + ")"
                let root = repository?.workdir ?? FileManager.default.currentDirectoryPath
                let reason = reason ?? "accepted from \(source) on \(ISO8601DateFormatter().string(from: Date()))"
                let path = try BaselineStore(root: root).update(from: result, reason: reason, profile: profile)
                print("wrote \(path) from \(source)" + (result.run.commit.map { " (commit \($0.prefix(12)))" } ?? ""))
                print(
                    "commit it on the default branch: git add \(path) && git commit -m \"perfgate: update \(result.run.scenario) baseline\""
                )
            }
        }
    }

    struct Retire: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove benchmarks the suite no longer runs from the committed baselines.",
            discussion: """
                A benchmark the baseline holds and a run leaves out fails the build, so that a change \
                cannot pass its gate by deleting what the gate measures. When a benchmark is removed or \
                renamed on purpose, retire it from the baselines on the default branch first (every \
                profile's baseline of the scenario, or --profile's), with the reason; the other \
                benchmarks keep their measured sessions.
                """)

        @Argument(help: ArgumentHelp("The exact ids of the benchmarks to retire.", valueName: "benchmark"))
        var benchmarks: [String]

        @Option(help: "Why they are retired (added to each baseline's reason).")
        var reason: String

        @Option(help: "Scenario of the baselines.")
        var scenario = "ci"

        @Option(help: ArgumentHelp("Only this profile's baseline (default: every profile's).", valueName: "name"))
        var profile: String?

        func validate() throws {
            if benchmarks.isEmpty { throw ValidationError("name at least one benchmark id to retire") }
        }

        func run() throws {
            try withExitCodes {
                let root = (try? GitRecording.repository())?.workdir ?? FileManager.default.currentDirectoryPath
                let rewritten = try BaselineStore(root: root).retire(benchmarks, scenario: scenario, profile: profile, reason: reason)
                for file in rewritten { print("retired \(file.removed.joined(separator: ", ")) from \(file.path)") }
                print(
                    "commit it on the default branch: git add baselines && git commit -m \"perfgate: retire "
                        + "\(benchmarks.joined(separator: ", ")) from the \(scenario) baselines\"")
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print a baseline's origin and headline figures.")

        @Option(help: "Scenario of the baseline.")
        var scenario = "ci"

        @Option(help: "Profile of the baseline (default: this machine's).")
        var profile: String?

        func run() throws {
            try withExitCodes {
                let root = (try? GitRecording.repository())?.workdir ?? FileManager.default.currentDirectoryPath
                let store = BaselineStore(root: root)
                let profile = profile ?? WALBenchmarksProfile.current
                let path = store.path(profile: profile, scenario: scenario)
                guard FileManager.default.fileExists(atPath: path) else {
                    let available = store.list().map { "\($0.profile)/\($0.scenario)" }
                    throw PerfgateError(
                        .noBaseline,
                        "no baseline at \(path). Available: \(available.isEmpty ? "none" : available.joined(separator: ", ")). "
                            + "Create one with `perfgate baseline update`")
                }
                let baseline = try ResultFile.load(path: path)
                print("baseline \(path)")
                print("  commit:   \(baseline.run.commit ?? "unknown")\(baseline.run.dirty ? " (dirty)" : "")")
                print(
                    "  measured: \(ISO8601DateFormatter().string(from: baseline.run.finishedAt)), \(baseline.run.rounds) "
                        + "rounds, \(baseline.run.buildConfiguration) build, \(baseline.run.toolchain)"
                )
                print(
                    "  machine:  \(baseline.run.machine.cpuModel), \(baseline.run.machine.cores) cores, "
                        + "\(baseline.run.machine.filesystem), kernel \(baseline.run.machine.kernel)"
                )
                print("  reason:   \(baseline.baselineReason ?? "none given")")
                print("  \(baseline.benchmarks.count) benchmarks")
                print("\n" + SuiteScore.summary(baseline).joined(separator: "\n"))
            }
        }
    }
}

/// The profile of this machine, as `perfgate run` would derive it.
enum WALBenchmarksProfile {
    static var current: String { MachineProbe.fingerprint(directory: FileManager.default.currentDirectoryPath).profile }
}
