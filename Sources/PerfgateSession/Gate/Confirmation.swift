import Foundation
import PerfgateCore
import PerfgateGit
import WALBenchmarks

/// The second stage of `perfgate check`: every timing the stored-baseline comparison (the
/// screen) called regressed is re-measured in paired A/B rounds against the baseline's commit,
/// on this machine, now, and only the paired verdict can fail the build. The screen is cheap and
/// runs on every push; the confirmation costs a build of the baseline's commit (cached by commit)
/// and a few minutes of rounds, and only when something was flagged.
///
/// Exact counters are not re-measured: the same code makes the same calls, so a counter that
/// moved is the code's. When the baseline's commit cannot be built (it is not in the clone, or it
/// does not build), the flagged regressions stay, the report says why, and the outcome is
/// ``GateReport/Outcome/unconfirmed`` (exit 5), never a bare red or a pass.
public struct Confirmation {
    /// Seconds of paired measurement allowed.
    public var budgetSeconds: Double
    /// The binary of this work tree (the running perfgate), so the head side is not rebuilt.
    public var headBinary: String?
    /// A prebuilt binary of the baseline's commit instead of building it (tests).
    public var baseBinary: String?
    /// A slowdown injected into the head side (``RoundInvocation/slowdownVariable``), for the gate's own detection runs.
    public var headSlowdown: String?

    public init(budgetSeconds: Double, headBinary: String? = nil) {
        self.budgetSeconds = budgetSeconds
        self.headBinary = headBinary
    }

    /// The timings `report` needs confirmed: those it called regressed; those it could not decide
    /// whose estimated change is worse than half the tolerance — nearer a tolerance-sized
    /// regression than no change; and those worse than half the tolerance **relative to their
    /// siblings** (the same metric of the benchmarks that differ from it only in the last part of
    /// the id, e.g. the other batch sizes), when at least two siblings were measured.
    ///
    /// Why so wide a net: a session moves one benchmark by a few per cent on its own (between-session
    /// standard deviation about 3.5 % for `wal.append.batch/64B/batch=1000` here), so a real 10 %
    /// slowdown measured anywhere from +3 % to +10 % in single sessions. And a session moves related
    /// benchmarks together: in one run the whole `wal.append.batch/64B` family was 8 % faster than
    /// the baseline's sessions, so the one slowed by 10 % measured −0.3 % ("unchanged") — 8 % worse
    /// than its siblings. An extra flag costs a look or two of paired rounds, never a red build.
    public static func flagged(_ report: GateReport) -> [MetricComparison] { flags(report).map(\.comparison) }

    /// A timing the screen flagged, and how much worse it looks on the log scale: its own estimate
    /// or its lag behind its siblings, whichever is larger.
    public struct Flag: Sendable {
        public var comparison: MetricComparison
        public var worse: Double
    }

    /// The flags of ``flagged(_:)`` with how much worse each looks.
    public static func flags(_ report: GateReport) -> [Flag] {
        let timings = report.comparisons.filter { $0.kind == .timing && $0.gating == .gated && $0.change.map { $0 > -1 } == true }
        let families = Dictionary(grouping: timings) { "\(family(of: $0.benchmark)) \($0.metric)" }
        return timings.compactMap { c in
            let limit = log1p(c.tolerance * screenFraction)
            let siblings = (families["\(family(of: c.benchmark)) \(c.metric)"] ?? []).filter { $0.benchmark != c.benchmark }
            let lag = siblings.count >= 2 ? Quantile.median(siblings.map(worse)).map { worse(c) - $0 } : nil
            let flagged =
                c.verdict == .regressed || (c.verdict == .inconclusive && worse(c) > limit) || (lag.map { $0 > limit } ?? false)
            return flagged ? Flag(comparison: c, worse: max(worse(c), lag ?? -.infinity)) : nil
        }
    }

    /// How much worse a comparison's estimate is, on the log scale (positive: a regression).
    static func worse(_ c: MetricComparison) -> Double {
        let change = log1p(c.change ?? 0)
        return c.direction == .lowerIsBetter ? change : -change
    }

    /// A benchmark id without its last part: `wal.append.batch/64B/batch=1000` → `wal.append.batch/64B`.
    static func family(of benchmark: String) -> Substring {
        benchmark.lastIndex(of: "/").map { benchmark[..<$0] } ?? Substring(benchmark)
    }

    /// The benchmarks of `flags`, most suspicious first: those with a flag the screen called
    /// regressed, then by the strongest flag's screen z (how many of its standard deviations the
    /// estimate, or its lag behind its siblings, lies on the worse side). A slowdown hidden by a
    /// session that moved its whole family measures better than the baseline: its lag, not its
    /// estimate, says how suspicious it is.
    public static func prioritised(_ flags: [Flag]) -> [String] {
        func suspicion(_ flag: Flag) -> (Int, Double) {
            let c = flag.comparison
            var z = flag.worse
            if let low = c.intervalLow, let high = c.intervalHigh, low > -1, high > low {
                z /= (log1p(high) - log1p(low)) / (2 * Distributions.normalQuantile(0.975))
            }
            return (c.verdict == .regressed ? 1 : 0, z)
        }
        let strongest = Dictionary(grouping: flags, by: \.comparison.benchmark).mapValues { $0.map(suspicion).max { $0 < $1 }! }
        return strongest.keys.sorted { a, b in
            strongest[a]! != strongest[b]! ? strongest[a]! > strongest[b]! : a < b
        }
    }

    /// The most benchmarks a confirmation re-measures: a few minutes of pairs settle about this many,
    /// and a larger family of metrics would widen every interval (α is divided among them).
    public static let maximumBenchmarks = 8

    /// The pair cap of a confirmation's plan. A 10 % slowdown of a benchmark whose pairs differ by
    /// about 20 % from pair to pair (the batched appends here, in a confirmation) needs 100–130
    /// pairs to be shown beyond the 3 % paired tolerance; a cheap benchmark gets them within the
    /// budget, because a look that cannot run every unsettled benchmark runs the most suspicious
    /// that fit (``PairedLooks/priority``).
    public static let maximumPairs = 256

    /// The fraction of the tolerance beyond which an undecided estimate is flagged.
    public static let screenFraction = 0.5

    /// Confirms `report`'s flagged regressions, or returns it unchanged when none were flagged.
    public func confirm(
        _ report: GateReport, scenario: Scenario, session: GateSession, note: (String) -> Void, progress: (String, Bool) -> Void
    ) -> GateReport {
        let flags = Self.flags(report)
        let flagged = flags.map(\.comparison)
        guard !flagged.isEmpty else { return report }
        let benchmarks = Array(Self.prioritised(flags).prefix(Self.maximumBenchmarks))
        let focus = flagged.filter { benchmarks.contains($0.benchmark) }
        note(
            "confirming \(focus.count) of \(flagged.count) flagged metric(s) in paired A/B rounds: "
                + "\(benchmarks.count) benchmark(s), the most suspicious first…")
        guard let commit = report.baselineCommit else {
            return Self.unconfirmed(report, flagged: flagged, why: "the baseline names no commit to build (it came from another harness)")
        }
        if session.repository.flatMap({ try? $0.resolve(commit) }) == nil {
            return Self.unconfirmed(
                report, flagged: flagged,
                why: "the baseline's commit \(commit.prefix(12)) is not in this clone: fetch it (`git fetch origin \(commit)`, or "
                    + "actions/checkout with fetch-depth: 0) and run again")
        }
        // Looks at 8, 16, 32, 64, 128 and 256 pairs: the later looks run only the benchmarks still
        // unsettled, the most suspicious that fit the budget first.
        var comparison = PairedComparison(
            scenario: scenario, against: commit, filters: benchmarks, initialPairs: 8, step: 4, maxPairs: Self.maximumPairs,
            budgetSeconds: budgetSeconds)
        comparison.headBinary = headBinary
        comparison.baseBinary = baseBinary
        comparison.headSlowdown = headSlowdown
        comparison.focus = Set(focus.map(\.id))
        comparison.priority = benchmarks
        let paired: GateReport
        do {
            paired = try comparison.run(session: session, note: note, progress: progress)
        } catch {
            return Self.unconfirmed(report, flagged: flagged, why: "\(error)")
        }
        return Self.merge(screen: report, paired: paired, flagged: flagged)
    }

    /// The screen's report with each flagged metric's verdict, change and interval replaced by the
    /// paired confirmation's, the screen's kept alongside. A regression the screen called that the
    /// paired rounds could neither confirm nor rule out within the budget leaves the outcome
    /// unconfirmed (exit 5) when nothing was confirmed: "we looked and could not tell" is not a
    /// pass. Two exceptions do not hold the build; they are reported inconclusive with why:
    /// a lesser suspicion (the screen had not called it regressed), and a regression **the machine
    /// alone explains** — the baseline's own code, re-measured now, was slower in this metric by
    /// more than its tolerance and at least half as much (on the log scale) as the screen said
    /// (``baselineSlowdowns(screen:paired:flagged:)``); or the paired rounds allow no change and
    /// at worst less than half the screen's regression on the log scale (``pairedWorstSlowdown(_:)``:
    /// the screen saw the session, and a smaller regression is left to the next run); or its counterpart in C (the same work, no
    /// WAL code) moved slower beyond its tolerance in this session and the metric at most twice as
    /// far on the log scale (``EnvironmentShift/counterpartSlowdown(of:in:)``); or the controls say the machine was slower,
    /// and this metric was slower by at most twice (on the log scale) the same kind of statistic of
    /// the most-slowed control or re-measured baseline code (``EnvironmentShift/explains(worse:metric:measured:)``). On a loaded
    /// runner the screen calls dozens of those (16 of 16 loaded runs of unchanged code ended in
    /// exit 5 under the old rule, none confirmed); a code regression larger than the machine's
    /// own slowdown still holds, one the confirmation re-measured and confirmed still fails, and a
    /// smaller one left unsettled is compared with the same baseline again by the next run.
    public static func merge(screen: GateReport, paired: GateReport, flagged: [MetricComparison]) -> GateReport {
        let flaggedIDs = Set(flagged.map(\.id))
        let pairedByID = Dictionary(paired.comparisons.map { ($0.id, $0) }) { a, _ in a }
        // The flagged comparisons as the paired rounds re-measured them, screen attached.
        var remeasured: [String: MetricComparison] = [:]
        var confirmed = 0
        var missing = 0
        var unsettled: [String] = []
        var comparisons = screen.comparisons.map { c -> MetricComparison in
            guard flaggedIDs.contains(c.id) else { return c }
            guard var replacement = pairedByID[c.id] else {
                missing += 1
                unsettled.append(c.id)
                return c
            }
            replacement.screen = MetricComparison.Screening(of: c)
            replacement.counterpart = replacement.counterpart ?? c.counterpart
            remeasured[c.id] = replacement
            if replacement.verdict == .regressed {
                confirmed += 1
            } else if !PairedAnalysis.isSettled(replacement) {
                unsettled.append(c.id)
            }
            return replacement
        }
        var notes = screen.notes
        let pairedNote = paired.notes.last ?? ""
        notes.append(
            "stage 2 (paired A/B rounds against the baseline's commit): \(confirmed) of \(flagged.count) flagged regression(s) "
                + "confirmed, \(flagged.count - confirmed - unsettled.count) ruled out"
                + (missing > 0
                    ? ", \(missing) not re-measured (the confirmation takes the \(maximumBenchmarks) most suspicious benchmarks)" : "")
                + "; \(pairedNote)")
        // A flag the screen called regressed and the rounds could not settle holds the build
        // (exit 5) — unless the machine alone explains it: it was slower, and this metric moved no
        // more than its own reference work did. A mere suspicion the rounds could not settle is
        // reported and does not hold the build either.
        let calledRegressed = Dictionary(flagged.filter { $0.verdict == .regressed }.map { ($0.id, $0) }) { a, _ in a }
        let own = baselineSlowdowns(screen: screen, pairedByID: pairedByID, flagged: flaggedIDs)
        let machine = machineSlowdowns(own, screen: screen)
        // Why each explained regression is the machine's: its own baseline code re-measured now
        // (whatever the controls say), or the controls and the re-measured code of any flagged
        // benchmark when the controls say the machine was slower.
        var why: [String: String] = [:]
        var outsized: [String] = []
        for id in unsettled {
            guard let c = calledRegressed[id] else { continue }
            let slower = expm1(worse(c))
            if let paired = remeasured[id], let most = pairedWorstSlowdown(paired), !EnvironmentShift.within(worse: slower, of: most) {
                outsized.append(id)
                why[id] =
                    "the paired rounds rule out a regression of the size the screen saw (\(Format.percent(slower)) slower): "
                    + "side by side with the baseline's code now, this metric is at worst \(Format.percent(most)) slower and may be no "
                    + "slower at all, so most of the screen's change was the session's (more than twice that on the log scale); "
                    + "whether a smaller regression is left, the rounds could not tell within the budget"
            } else if let mine = own[id], mine > c.tolerance, EnvironmentShift.within(worse: slower, of: mine) {
                why[id] =
                    "the baseline's own code, re-measured now, ran this metric \(Format.percent(mine)) slower than in its stored "
                    + "sessions (the session moved it, not the code; at most twice that on the log scale), and the paired rounds "
                    + "neither confirmed nor ruled out a regression within the budget"
            } else if let counterpart = c.counterpart, let theirs = EnvironmentShift.counterpartSlowdown(of: c, in: screen.comparisons),
                EnvironmentShift.within(worse: slower, of: theirs)
            {
                why[id] =
                    "its counterpart \(counterpart), the same work in C with no WAL code, ran \(Format.percent(theirs)) slower in this "
                    + "session than in the baseline's (the machine moved this work, not the code; at most twice that on the log "
                    + "scale), and the paired rounds neither confirmed nor ruled out a regression within the budget"
            } else if let shift = screen.environment, shift.explains(worse: slower, metric: c.metric, measured: machine) {
                let kind = EnvironmentShift.statisticClass(c.metric)
                let bound = shift.largestSlowdown(like: c.metric, measured: machine) ?? 0
                why[id] =
                    "within the machine's slowdown (\(kind == "central" ? "the central statistics" : "the \(kind)") of its reference "
                    + "work, or of the baseline's code re-measured now, up to \(Format.percent(bound)) slower; at most twice that on "
                    + "the log scale), and neither confirmed nor ruled out in paired rounds within the budget"
            }
        }
        let explained = Set(why.keys)
        let holding = unsettled.filter { calledRegressed[$0] != nil && !explained.contains($0) }
        let suspicions = unsettled.filter { calledRegressed[$0] == nil }
        let undecided = confirmed == 0 && !holding.isEmpty
        for index in comparisons.indices {
            guard let reason = why[comparisons[index].id] else { continue }
            if comparisons[index].screen == nil { comparisons[index].screen = MetricComparison.Screening(of: comparisons[index]) }
            comparisons[index].verdict = .inconclusive
            comparisons[index].reason = reason
        }
        if !outsized.isEmpty {
            notes.append(
                "\(outsized.count) regression(s) the screen called are ruled out at the size it saw: the paired rounds allow no "
                    + "change, and at worst less than half the screen's regression on the log scale ("
                    + outsized.prefix(5).joined(separator: "; ")
                    + (outsized.count > 5 ? "; …" : "") + "). The session made most of them; whether a smaller regression is left, "
                    + "the next run compares with the same baseline. Reported inconclusive, they do not hold the build")
        }
        let names = unsettled.filter { explained.contains($0) && !outsized.contains($0) }
        if !names.isEmpty {
            let controls = screen.environment.map { "the controls, which run no WAL code (\($0.largestSlowdownsSummary)), or " } ?? ""
            notes.append(
                "\(names.count) regression(s) the screen called are within what the machine's own slowdown explains (at most "
                    + "twice, on the log scale, the slowdown of the same kind of statistic of their counterparts in C, "
                    + "\(controls)the baseline's own code re-measured now (" + EnvironmentShift.summary(machine)
                    + ")) and could be neither "
                    + "confirmed nor ruled out within the budget (" + names.prefix(5).joined(separator: "; ")
                    + (names.count > 5 ? "; …" : "") + "): the machine alone could explain them, so they are reported "
                    + "inconclusive and do not hold the build. The next run on a quieter machine compares them with the same baseline")
        }
        if undecided {
            notes.append(
                "\(holding.count) regression(s) the screen called could be neither confirmed nor ruled out within the confirmation "
                    + "budget (" + holding.prefix(5).joined(separator: "; ") + (holding.count > 5 ? "; …" : "")
                    + "). Exit 5 says so: re-run on a quieter runner, or give the confirmation more time with --confirm-budget")
        } else if !suspicions.isEmpty {
            notes.append(
                "\(suspicions.count) flagged metric(s) that the screen had not called regressed could be neither confirmed nor ruled "
                    + "out within the budget (" + suspicions.prefix(5).joined(separator: "; ") + (suspicions.count > 5 ? "; …" : "")
                    + "); they are reported inconclusive and do not hold the build")
        }
        return rebuilt(screen, comparisons: comparisons, notes: notes, unconfirmed: undecided)
    }

    /// The worst slowdown ("how much slower", positive) a paired comparison's interval allows, when
    /// that interval also allows no change at all; nil when the rounds showed the code slower (the
    /// interval lies wholly on the worse side) or gave no interval.
    ///
    /// A screen regression more than twice that (log scale) is ruled out at the size the screen saw:
    /// in a run with the disk kept busy, the screen saw 64 KB batches 90 % slower (10 times the
    /// time) while 64 pairs of head and base rounds put the change between −57.8 % and +187 %.
    static func pairedWorstSlowdown(_ paired: MetricComparison) -> Double? {
        guard paired.screen != nil, let low = paired.intervalLow, let high = paired.intervalHigh, low <= 0, high >= 0, low > -1 else {
            return nil
        }
        let most = max(paired.direction.slowdown(ofChange: low), paired.direction.slowdown(ofChange: high))
        return most > 0 ? most : nil
    }

    /// How much slower the baseline's own code ran now, in the confirmation's paired rounds, than
    /// in the stored baseline's sessions: per statistic, the largest over the flagged metrics the
    /// confirmation re-measured. The machine's effect on this suite's own work, where the controls
    /// (C loops, no WAL code) may move less: with a core kept busy, the controls' throughput fell
    /// by at most 41 % while the WAL's batched appends took 74–104 % longer.
    public static func machineSlowdowns(screen: GateReport, paired: GateReport, flagged: Set<String>) -> [String: Double] {
        machineSlowdowns(baselineSlowdowns(screen: screen, paired: paired, flagged: flagged), screen: screen)
    }

    /// The largest of `slowdowns` (by comparison id, ``baselineSlowdowns(screen:paired:flagged:)``)
    /// for each metric name.
    static func machineSlowdowns(_ slowdowns: [String: Double], screen: GateReport) -> [String: Double] {
        var slowest: [String: Double] = [:]
        let metrics = Dictionary(screen.comparisons.map { ($0.id, $0.metric) }) { a, _ in a }
        for (id, slower) in slowdowns {
            guard let metric = metrics[id] else { continue }
            slowest[metric] = max(slowest[metric] ?? -.infinity, slower)
        }
        return slowest
    }

    /// For each flagged metric the confirmation re-measured, how much slower the baseline's own
    /// code ran now than in the stored baseline's sessions ("how much slower": positive is slower).
    /// A metric whose own baseline code moved as far as the screen's regression was moved by the
    /// session, not the code: in a loaded run whose disk was faster than at the baseline (so the
    /// controls said "faster"), 16 writers' p99 was +282 % against the stored sessions and the
    /// baseline's code, re-measured in the same rounds, +301 % (paired: +7.8 % [-12.8, +33.1]).
    public static func baselineSlowdowns(screen: GateReport, paired: GateReport, flagged: Set<String>) -> [String: Double] {
        baselineSlowdowns(screen: screen, pairedByID: Dictionary(paired.comparisons.map { ($0.id, $0) }) { a, _ in a }, flagged: flagged)
    }

    /// ``baselineSlowdowns(screen:paired:flagged:)`` over the paired comparisons by id.
    static func baselineSlowdowns(screen: GateReport, pairedByID: [String: MetricComparison], flagged: Set<String>) -> [String: Double] {
        var slowdowns: [String: Double] = [:]
        for c in screen.comparisons where flagged.contains(c.id) {
            guard let stored = c.baselineMedian, let current = pairedByID[c.id]?.baselineMedian, stored > 0, current > 0 else { continue }
            slowdowns[c.id] = c.direction.slowdown(ofChange: current / stored - 1)
        }
        return slowdowns
    }

    /// The screen's report, unconfirmed: its regressions stand, with why they could not be checked
    /// (outcome unconfirmed, exit 5, when it called any regression; its undecided ones stay inconclusive).
    static func unconfirmed(_ report: GateReport, flagged: [MetricComparison], why: String) -> GateReport {
        var notes = report.notes
        notes.append(
            "\(flagged.count) regression(s) flagged against the stored baseline could not be confirmed: \(why). "
                + "Exit 5 says so; it is neither a confirmed regression nor a pass")
        return rebuilt(
            report, comparisons: report.comparisons, notes: notes, unconfirmed: report.comparisons.contains { $0.verdict == .regressed })
    }

    /// `report` with new comparisons and notes; its outcome is computed again from them.
    private static func rebuilt(_ report: GateReport, comparisons: [MetricComparison], notes: [String], unconfirmed: Bool) -> GateReport {
        GateReport(
            mode: report.mode, baselineSource: report.baselineSource, currentSource: report.currentSource,
            baselineCommit: report.baselineCommit, currentCommit: report.currentCommit, scenario: report.scenario,
            profile: report.profile, comparisons: comparisons, targets: report.targets, notes: notes, alpha: report.alpha,
            hasBaseline: true, environment: report.environment, unconfirmed: unconfirmed, missingBenchmarks: report.missingBenchmarks)
    }
}
