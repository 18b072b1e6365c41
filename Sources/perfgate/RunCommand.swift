import ArgumentParser
import Foundation
import PerfgateCore
import PerfgateSession
import WALBenchmarks

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the WAL benchmark suite and write a result file.",
        discussion: """
            Each round of each benchmark runs in a fresh process, and the rounds of all benchmarks are \
            interleaved in a seeded random order, so every benchmark's samples span the whole run. \
            The WAL directories live under --dir (default: .perfgate/ in the current directory, on \
            the file system you are measuring) and are removed afterwards.
            """)

    @OptionGroup var suite: SuiteOptions

    @Option(help: ArgumentHelp("Where to write the result JSON. Default: .perfgate/latest-<scenario>.json.", valueName: "file"))
    var output: String?

    @Option(help: "Seed of the round order (results are reproducible in order, not in timing).")
    var seed: UInt64 = 1

    @Option(help: ArgumentHelp("Machine profile name for baselines (default: derived from the CPU model and cores).", valueName: "name"))
    var profile: String?

    @Flag(help: "Also record the result in the git note of HEAD's commit (refs/notes/perfgate).")
    var record = false

    @Flag(help: "With --record: record even though the work tree has uncommitted changes.")
    var allowDirty = false

    @Option(
        help: ArgumentHelp(
            "Run only share i of N of the benchmarks (e.g. 2/3), split deterministically and balanced by cost, for a "
                + "suite spread over N CI runners. Record every shard on the same commit; compare, history and "
                + "baseline update read them as one run once all N are recorded.", valueName: "i/N"))
    var shard: String?

    @Option(
        help: ArgumentHelp(
            "With --shard: the name that joins the shards of one run (default: $GITHUB_RUN_ID-$GITHUB_RUN_ATTEMPT on "
                + "GitHub Actions, else 'manual').", valueName: "name"))
    var shardGroup: String?

    func validate() throws {
        if let profile { try usageCheck { try BaselineStore.checkProfileName(profile, flag: "--profile") } }
        if let shard { try usageCheck { _ = try Shard.parse(shard, group: "-") } }
        if shardGroup != nil && shard == nil { throw ValidationError("--shard-group needs --shard i/N") }
    }

    /// The shard this run is, with its group.
    func parsedShard() throws -> Shard? {
        guard let shard else { return nil }
        return try Shard.parse(shard, group: shardGroup ?? PairedOptions.shardGroup)
    }

    func run() throws {
        try withExitCodes {
            // Check git before spending minutes measuring: --record needs a clean commit.
            let repository = record ? try GitRecording.repository() : try? GitRecording.repository()
            if record, let repository, !allowDirty, (try? repository.isDirty()) == true {
                throw PerfgateError(
                    .usage,
                    "the work tree has uncommitted changes, so the result would not describe HEAD. "
                        + "Commit first, or pass --allow-dirty to record it marked dirty")
            }
            var result = try suite.run(seed: seed, profile: profile, shard: try parsedShard())
            if let repository { try? GitRecording.stamp(&result, repository: repository, github: SessionEnvironment.current().github) }
            let path = output ?? ".perfgate/latest-\(suite.scenario.rawValue).json"
            try result.write(to: path)
            if result.run.shard == nil { print("\n" + SuiteScore.summary(result).joined(separator: "\n")) }
            Terminal.note("wrote \(path)")
            if record, let repository {
                try GitRecording.record(result, repository: repository, allowDirty: allowDirty, source: path)
                Terminal.note(
                    "recorded run \(result.run.runID.prefix(8)) on \(result.run.commit?.prefix(12) ?? "?") in refs/notes/perfgate")
            }
        }
    }
}
