import Foundation
import PerfgateCore
import PerfgateGit
import WALBenchmarks

/// `perfgate judge`: the verdict on a pull request's paired A/B measurement, given by trusted
/// code. The pull request's job measures (`compare --against BASE --save-measurements DIR`, run
/// by the pull request's own code, with a read-only token) and uploads the pairs; a job defined on
/// the default branch builds perfgate from trusted code and runs this. It checks that the
/// measurement is what it claims to be — the two commits, one machine for both sides, the
/// scenario, pairs aligned on both sides, every benchmark of the trusted catalog present — and
/// replays the look loop (``PairedLooks``) over the recorded pairs with the configuration at the
/// base commit. A pull request that edits `perfgate.json`, the action's scripts or the comparator,
/// or deletes a benchmark, is judged by the base's rules all the same.
///
/// What it cannot stop: a pull request that fakes its own measurement (its code runs on the
/// runner that measures). The threat model in the README says so.
public struct PairedJudge {
    /// The files a saved measurement holds.
    public static let baseFile = "base.json"
    public static let headFile = "head.json"

    /// Directories of saved measurements: one, or one per shard.
    public var directories: [String]
    public var scenario: Scenario
    /// The commits the measurement must be of (full or abbreviated ids); nil: not checked.
    public var expectedBase: String?
    public var expectedHead: String?
    /// The look plan (`compare --against`'s defaults, which the measuring job uses).
    public var initialPairs = 8
    public var step = 4
    public var maxPairs = 512

    /// A judge of the measurements in `directories` for `scenario`.
    public init(directories: [String], scenario: Scenario) {
        self.directories = directories
        self.scenario = scenario
    }

    /// Validates the measurement and returns the verdict.
    /// - Throws: ``PerfgateError`` (bad input, exit 2) naming the file, the field and the fix when
    ///   the measurement is not one the judge can trust the shape of.
    public func judge(session: GateSession) throws -> GateReport {
        guard !directories.isEmpty else { throw PerfgateError(.usage, "perfgate judge needs at least one measurement directory") }
        var bases: [ResultFile] = []
        var heads: [ResultFile] = []
        for directory in directories {
            for file in [Self.baseFile, Self.headFile] where !FileManager.default.fileExists(atPath: directory + "/" + file) {
                throw PerfgateError.badInput(
                    file: directory, field: file, problem: "does not exist",
                    fix: "Pass the directory `perfgate compare --against BASE --save-measurements DIR` wrote (one per shard)")
            }
            bases.append(try ResultFile.load(path: directory + "/" + Self.baseFile))
            heads.append(try ResultFile.load(path: directory + "/" + Self.headFile))
        }
        let source = directories.count == 1 ? directories[0] : "the measurements in " + directories.joined(separator: ", ")
        var base = try Self.whole(bases, source: source + " (" + Self.baseFile + ")")
        var head = try Self.whole(heads, source: source + " (" + Self.headFile + ")")
        try check(base: base, head: head, source: source)

        // Judge what the trusted catalog holds; anything else is the pull request's own.
        let catalog = BenchmarkCatalog.benchmarks(for: scenario).map(\.id)
        let measured = Set(base.benchmarks.map(\.id))
        let missing = catalog.filter { !measured.contains($0) }
        let unknown = base.benchmarks.map(\.id).filter { !catalog.contains($0) }
        base.benchmarks.removeAll { unknown.contains($0.id) }
        head.benchmarks.removeAll { unknown.contains($0.id) }
        var notes: [String] = []
        if !unknown.isEmpty {
            notes.append(
                "\(unknown.count) benchmark(s) measured that the base's suite does not have, not judged (new benchmarks are "
                    + "judged once they are on the default branch): " + unknown.prefix(5).joined(separator: ", ")
                    + (unknown.count > 5 ? ", …" : ""))
        }

        var configured = session
        configured.knownBenchmarks.formUnion(catalog)
        let baseCommit = expectedBase.flatMap { try? session.repository?.resolve($0) }
        let configuration = try configured.configuration(base: baseCommit)
        let looks = PairedLooks(
            configuration: configuration, initialPairs: initialPairs, step: step, maxPairs: maxPairs, budgetSeconds: .infinity)
        let rounds = RecordedRounds(base: base.benchmarks, head: head.benchmarks)
        guard rounds.fewest >= initialPairs else {
            throw PerfgateError.badInput(
                file: source, field: "benchmarks[].metrics[].samples",
                problem: "holds \(rounds.fewest) pair(s) of some benchmark, fewer than the first look's \(initialPairs)",
                fix: "Measure with `perfgate compare --against BASE --save-measurements DIR` and its default plan")
        }
        let baseSource = "base \(base.run.commit?.prefix(12) ?? "?") (measured by the pull request's job)"
        let headSource = "head \(head.run.commit?.prefix(12) ?? "?") (measured by the pull request's job)"
        let outcome = try looks.run(
            rounds,
            report: { look, a, b in
                var baseSide = base
                var headSide = head
                baseSide.benchmarks = a
                headSide.benchmarks = b
                return looks.analysis.compare(
                    base: baseSide, head: headSide, baseSource: baseSource, headSource: headSource, look: look, notes: notes)
            })
        var report = outcome.report
        report.notes.append(
            "judged by a perfgate built from trusted code, with perfgate.json "
                + (baseCommit.map { "at the base commit \($0.hex.prefix(12))" } ?? "of the work tree")
                + "; the measurement was checked for its commits, machine, scenario, pairing and completeness")
        report.markMissing(missing)
        return report
    }

    /// One side of the measurement: a single file, or the shards of one run joined.
    static func whole(_ files: [ResultFile], source: String) throws -> ResultFile {
        if files.count == 1, files[0].run.shard == nil { return files[0] }
        return try ResultFile.joining(files, source: source)
    }

    /// Refuses a measurement that is not what a paired comparison of the expected commits made.
    func check(base: ResultFile, head: ResultFile, source: String) throws {
        func refuse(_ field: String, _ problem: String, _ fix: String) -> PerfgateError {
            PerfgateError.badInput(file: source, field: field, problem: problem, fix: fix)
        }
        let remeasure = "Measure again with `perfgate compare --against BASE --save-measurements DIR` on one runner"
        for (side, file, expected) in [("base", base, expectedBase), ("head", head, expectedHead)] {
            if let expected, !(file.run.commit ?? "").hasPrefix(expected.lowercased()) {
                throw refuse(
                    "\(side): run.commit", "is \(file.run.commit ?? "none"), not the expected \(expected)",
                    "The measurement must be of the pull request's base and head commits")
            }
            if file.run.scenario != scenario.rawValue {
                throw refuse("\(side): run.scenario", "is \(file.run.scenario), not \(scenario.rawValue)", remeasure)
            }
            if file.run.buildConfiguration != "release" {
                throw refuse("\(side): run.buildConfiguration", "is \(file.run.buildConfiguration)", "Only release builds are judged")
            }
        }
        if base.run.machine != head.run.machine {
            throw refuse(
                "run.machine", "differs between the base (\(base.run.machine.profile)) and the head (\(head.run.machine.profile))",
                "Both sides of a pair run on one machine; " + remeasure)
        }
        if Set(base.benchmarks.map(\.id)) != Set(head.benchmarks.map(\.id)) {
            throw refuse("benchmarks", "are not the same on both sides", remeasure)
        }
        for benchmark in base.benchmarks {
            let other = head.benchmark(benchmark.id)!
            for metric in benchmark.metrics where metric.available {
                guard let paired = other.metric(named: metric.name) else {
                    throw refuse("benchmarks (\(benchmark.id)).metrics (\(metric.name))", "is missing from the head side", remeasure)
                }
                if paired.available && paired.samples.count != metric.samples.count {
                    throw refuse(
                        "benchmarks (\(benchmark.id)).metrics (\(metric.name)).samples",
                        "has \(metric.samples.count) base and \(paired.samples.count) head samples: they are not pairs", remeasure)
                }
            }
        }
    }
}
