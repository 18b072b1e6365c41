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
        subcommands: [Update.self, Show.self])

    struct Update: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write baselines/<profile>/<scenario>.json from a run.")

        @Option(help: "A result file or a git revision with a recorded run (default: .perfgate/latest-<scenario>.json).")
        var from: String?

        @Option(help: "Why this level is accepted (stored in the baseline).")
        var reason: String?

        @Option(help: "Scenario of the default input.")
        var scenario = "ci"

        @Option(help: ArgumentHelp("Profile directory to write under baselines/ (default: the run's machine profile).", valueName: "name"))
        var profile: String?

        @OptionGroup var input: InputFormatOptions

        func validate() throws {
            if let profile { try usageCheck { try BaselineStore.checkProfileName(profile, flag: "--profile") } }
        }

        func run() throws {
            try withExitCodes {
                let (result, source) = try ResultSource.load(
                    from ?? ".perfgate/latest-\(scenario).json", scenario: scenario, loadFile: input.load,
                    repository: try? GitRecording.repository())
                let root = (try? GitRecording.repository())?.workdir ?? FileManager.default.currentDirectoryPath
                let reason = reason ?? "accepted from \(source) on \(ISO8601DateFormatter().string(from: Date()))"
                let path = try BaselineStore(root: root).update(from: result, reason: reason, profile: profile)
                print("wrote \(path) from \(source)" + (result.run.commit.map { " (commit \($0.prefix(12)))" } ?? ""))
                print(
                    "commit it on the default branch: git add \(path) && git commit -m \"perfgate: update \(result.run.scenario) baseline\""
                )
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
