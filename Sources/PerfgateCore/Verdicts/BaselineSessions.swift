import Foundation

/// A baseline from several independent sessions (runs) of one scenario on one machine profile:
/// per metric, every session's rounds and each session's median (``Metric/sessionMedians``), so
/// the stored-baseline comparison can tell how much whole sessions of the base code vary.
public enum BaselineSessions {
    /// Merges `sessions` (result files with where each came from) into one baseline. The newest
    /// session gives the run metadata, the commit the confirmation builds, and the benchmarks;
    /// a merged baseline given again contributes its own session medians.
    /// - Throws: ``PerfgateError`` (bad input) naming the session of another scenario or profile.
    public static func merge(_ sessions: [(result: ResultFile, source: String)]) throws -> ResultFile {
        guard let newest = sessions.max(by: { $0.result.run.finishedAt < $1.result.run.finishedAt }) else {
            throw PerfgateError(.usage, "no sessions to build a baseline from")
        }
        for (result, source) in sessions {
            if result.run.dirty {
                throw PerfgateError.badInput(
                    file: source, field: "run.dirty", problem: "is true: it was measured with uncommitted changes",
                    fix: "Build a baseline from runs of commits")
            }
            if result.run.scenario != newest.result.run.scenario {
                throw PerfgateError.badInput(
                    file: source, field: "run.scenario",
                    problem: "is \(result.run.scenario), but \(newest.source) is \(newest.result.run.scenario)",
                    fix: "Build a baseline from runs of one scenario")
            }
            if result.run.machine.profile != newest.result.run.machine.profile {
                throw PerfgateError.badInput(
                    file: source, field: "run.machine.profile",
                    problem: "is \(result.run.machine.profile), but \(newest.source) is \(newest.result.run.machine.profile)",
                    fix: "Build a baseline from runs of one machine profile")
            }
        }
        guard sessions.count > 1 else { return newest.result }
        var merged = newest.result
        for b in merged.benchmarks.indices {
            let id = merged.benchmarks[b].id
            for m in merged.benchmarks[b].metrics.indices {
                let name = merged.benchmarks[b].metrics[m].name
                var samples: [Double] = []
                var medians: [Double] = []
                for (result, _) in sessions {
                    guard let metric = result.benchmark(id)?.metric(named: name), metric.available, !metric.samples.isEmpty else {
                        continue
                    }
                    samples += metric.samples
                    if let inner = metric.sessionMedians { medians += inner } else if let median = metric.median { medians.append(median) }
                }
                merged.benchmarks[b].metrics[m].samples = samples
                merged.benchmarks[b].metrics[m].sessionMedians = medians.count > 1 ? medians : nil
            }
        }
        merged.run.rounds = sessions.map(\.result.run.rounds).reduce(0, +)
        return merged
    }
}
