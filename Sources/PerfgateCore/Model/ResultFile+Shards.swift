import Foundation

extension ResultFile {
    /// The shards of one sharded run joined into one run: the union of their benchmarks, the
    /// earliest start and the latest finish, no shard and no score (a score rates a whole suite
    /// run; the joined run is read for its samples).
    /// - Throws: ``PerfgateError`` (bad input) when the shards are not one complete, consistent set:
    ///   a shard missing (named), shards of different groups, scenarios, commits or machine
    ///   profiles, or a benchmark measured by two shards.
    public static func joining(_ shards: [ResultFile], source: String) throws -> ResultFile {
        guard let first = shards.first, let shard = first.run.shard else {
            throw PerfgateError.badInput(
                file: source, field: "run.shard", problem: "names no shard", fix: "Join only the shards of a sharded run")
        }
        for other in shards.dropFirst() {
            if let mismatch = mismatch(first, other) {
                throw PerfgateError.badInput(
                    file: source, field: "run.shard", problem: mismatch,
                    fix: "Join the shards of one run: same group (--shard-group), scenario, commit and runner type")
            }
        }
        let missing = Self.missingShards(shards)
        if !missing.isEmpty {
            throw PerfgateError.badInput(
                file: source, field: "run.shard",
                problem: "the sharded run \(shard.group) is incomplete: shard(s) "
                    + missing.map { "\($0)/\(shard.count)" }.joined(separator: ", ") + " of \(shard.count) not recorded",
                fix: "Wait for every shard's job to record its results (or re-run the missing ones with `perfgate run --shard i/N "
                    + "--shard-group \(shard.group) --record`), then fetch notes again")
        }
        var seen: [String: Int] = [:]
        var benchmarks: [BenchmarkResult] = []
        for file in shards.sorted(by: { ($0.run.shard?.index ?? 0) < ($1.run.shard?.index ?? 0) }) {
            for benchmark in file.benchmarks {
                if let earlier = seen[benchmark.id] {
                    throw PerfgateError.badInput(
                        file: source, field: "benchmarks (\(benchmark.id))",
                        problem: "is measured by shards \(earlier)/\(shard.count) and \(file.run.shard?.index ?? 0)/\(shard.count)",
                        fix: "Every shard of a run must use the same perfgate version, which splits the suite the same way")
                }
                seen[benchmark.id] = file.run.shard?.index ?? 0
                benchmarks.append(benchmark)
            }
        }
        var run = first.run
        run.runID = shard.group
        run.shard = nil
        run.startedAt = shards.map(\.run.startedAt).min() ?? first.run.startedAt
        run.finishedAt = shards.map(\.run.finishedAt).max() ?? first.run.finishedAt
        return ResultFile(run: run, benchmarks: benchmarks)
    }

    /// Why `other` cannot be joined with `first`, or nil.
    private static func mismatch(_ first: ResultFile, _ other: ResultFile) -> String? {
        let a = first.run
        let b = other.run
        if b.shard?.group != a.shard?.group || b.shard?.count != a.shard?.count {
            return "shard \(b.shard?.label ?? "none") of group \(b.shard?.group ?? "none") is not one of group "
                + "\(a.shard?.group ?? "none")'s \(a.shard?.count ?? 0)"
        }
        if b.scenario != a.scenario { return "one shard ran the \(a.scenario) scenario, another \(b.scenario)" }
        if b.commit != a.commit {
            return "the shards measured different commits (\(a.commit?.prefix(12) ?? "none"), \(b.commit?.prefix(12) ?? "none"))"
        }
        if b.machine.profile != a.machine.profile {
            return "the shards ran on different machine profiles (\(a.machine.profile), \(b.machine.profile))"
        }
        return nil
    }

    /// The shard indices (1-based) of `shards`' group that none of them is.
    static func missingShards(_ shards: [ResultFile]) -> [Int] {
        guard let count = shards.first?.run.shard?.count else { return [] }
        let present = Set(shards.compactMap { $0.run.shard?.index })
        return (1...count).filter { !present.contains($0) }
    }

    /// The run to read from `runs` (one commit's runs of every scenario): the latest of `scenario`,
    /// where the shards of one group count as one run finished when its last shard finished.
    /// Returns nil when there is none.
    /// - Throws: ``PerfgateError`` (bad input) when the latest is a sharded run not yet complete,
    ///   naming the missing shards: half a run is never read as a whole one.
    public static func latest(of runs: [ResultFile], scenario: String, source: String) throws -> ResultFile? {
        let matching = runs.filter { $0.run.scenario == scenario }
        var candidates: [(finished: Date, load: () throws -> ResultFile)] = matching.filter { $0.run.shard == nil }.map { file in
            (file.run.finishedAt, { file })
        }
        let groups = Dictionary(grouping: matching.filter { $0.run.shard != nil }) { $0.run.shard!.group }
        for (_, shards) in groups {
            // The newest recording of each shard index (a re-run shard replaces the earlier one).
            let newest = Dictionary(grouping: shards) { $0.run.shard!.index }.values.compactMap {
                $0.max { $0.run.finishedAt < $1.run.finishedAt }
            }
            candidates.append((newest.map(\.run.finishedAt).max()!, { try joining(newest, source: source) }))
        }
        return try candidates.max { $0.finished < $1.finished }?.load()
    }
}
