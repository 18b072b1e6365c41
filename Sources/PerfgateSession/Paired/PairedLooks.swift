import Foundation
import PerfgateCore

/// The adaptive look loop of `perfgate compare --against`: run pairs up to the next look of the
/// schedule, analyse everything so far, keep each metric's first decision, and stop when every
/// gated metric is decided, the pair cap is reached, or the next look would pass the time budget.
/// α is spent over the planned looks (``AlphaSpending``), so looking early and often does not
/// raise the error rate.
public struct PairedLooks {
    public var analysis: PairedAnalysis
    /// Pairs at each look (``PairedAnalysis/lookSchedule(initial:step:maximum:)``).
    public var schedule: [Int]
    /// Seconds of measurement allowed.
    public var budgetSeconds: Double
    /// The metrics (``MetricComparison/id``) the loop must settle before it stops; nil: every gated
    /// metric must be decided. A confirmation focuses on the screen's flags, and a focused metric
    /// is settled once it is decided or its interval rules out a regression beyond the tolerance,
    /// so noise the screen flagged costs a look or two, not the whole budget. The focused metrics
    /// are also the analysis's family (``PairedAnalysis/family``): α is divided among them only.
    public var focus: Set<String>? { didSet { analysis.family = focus } }

    /// The benchmarks in order of importance (a confirmation's most suspicious first). When the
    /// next look cannot run every unsettled benchmark within the budget, it runs those that fit,
    /// taken in this order — so a cheap, suspicious benchmark reaches the many pairs a 10 % change
    /// needs while an expensive, less suspicious one stops where the budget says. Empty: the loop
    /// stops instead.
    public var priority: [String] = []

    /// A loop that looks first after `initialPairs` pairs, then at least doubles (by `step` or more) up to
    /// `maxPairs`, within `budgetSeconds` of measurement.
    public init(configuration: GateConfiguration, initialPairs: Int, step: Int, maxPairs: Int, budgetSeconds: Double) {
        schedule = PairedAnalysis.lookSchedule(initial: initialPairs, step: step, maximum: maxPairs)
        analysis = PairedAnalysis(configuration: configuration, plannedLooks: schedule.count)
        self.budgetSeconds = budgetSeconds
    }

    /// Why the loop stopped.
    public enum Stop: Equatable, Sendable {
        case decided
        /// Every focused metric is settled (``PairedLooks/focus``).
        case settled
        case pairCap(Int)
        /// The recorded pairs end before the next look (`perfgate judge` replaying a measurement).
        case recordedPairs(Int)
        /// The next look (`pairs`, about `seconds` more) would pass the budget.
        case budget(nextPairs: Int, seconds: Double, budget: Double)

        public var description: String {
            switch self {
            case .decided: return "every gated metric decided"
            case .settled: return "every flagged metric confirmed or ruled out"
            case .pairCap(let cap): return "the pair cap (--max-pairs \(cap)) reached"
            case .recordedPairs(let pairs): return "the measurement's \(pairs) recorded pairs end before the next look"
            case .budget(let pairs, let seconds, let budget):
                return String(format: "the next look (%d pairs, about %.0f s more) would pass the %.0f s budget", pairs, seconds, budget)
            }
        }
    }

    /// The outcome: the final report (with a note saying how the loop ran), the looks taken and why it stopped.
    public struct Outcome {
        public var report: GateReport
        public var looks: Int
        public var stop: Stop
    }

    /// Runs the loop over `rounds`. `report` turns the samples so far into a comparison at a look
    /// (1-based look, base, head); `onLook` is told after each look (for progress lines).
    public func run(
        _ rounds: PairedRounds, progress: (Int, String) -> Void = { _, _ in },
        report makeReport: (_ look: Int, _ base: [BenchmarkResult], _ head: [BenchmarkResult]) -> GateReport,
        onLook: (_ look: Int, _ report: GateReport) -> Void = { _, _ in }
    ) throws -> Outcome {
        var look = 0
        var decided: [String: MetricComparison] = [:]
        var report: GateReport
        var stop: Stop
        var running: Set<String>?  // benchmarks the rounds run, once narrowed
        var left: [String] = []  // unsettled benchmarks a look left out to stay within the budget
        repeat {
            let pairsBefore = rounds.pairs
            let secondsBefore = rounds.measuredSeconds
            try rounds.runPairs(schedule[look] - rounds.pairs, progress: progress)
            let secondsPerPair = (rounds.measuredSeconds - secondsBefore) / Double(max(1, rounds.pairs - pairsBefore))
            look += 1
            let (a, b) = rounds.results()
            report = makeReport(look, a, b)
            PairedAnalysis.carryForward(&report, decided: &decided, focus: focus)
            onLook(look, report)
            if PairedAnalysis.isDecided(report, focus: focus) {
                stop = focus == nil ? .decided : .settled
                break
            }
            if look == schedule.count {
                stop = .pairCap(schedule[schedule.count - 1])
                break
            }
            if let available = rounds.available, schedule[look] > available {
                stop = .recordedPairs(available)
                break
            }
            // A confirmation runs on only the benchmarks it still has to settle: the others keep
            // their samples and their carried-forward verdicts, and the budget goes where it is needed.
            let pairs = schedule[look] - rounds.pairs
            var nextCost = secondsPerPair * Double(pairs)
            if let focus {
                let unsettled = Set(report.comparisons.filter { focus.contains($0.id) && !PairedAnalysis.isSettled($0) }.map(\.benchmark))
                let share = secondsPerPair / Double(max(1, (running ?? Set(report.comparisons.map(\.benchmark))).count))
                let cost = { (id: String) in rounds.secondsPerPair(of: id) ?? share }
                var next = unsettled
                nextCost = unsettled.reduce(0) { $0 + cost($1) } * Double(pairs)
                // When the next look cannot run them all, it runs the most important that fit.
                if rounds.measuredSeconds + nextCost > budgetSeconds, !priority.isEmpty, unsettled.count > 1 {
                    let fitted = fit(unsettled, pairs: pairs, seconds: budgetSeconds - rounds.measuredSeconds, cost: cost)
                    if !fitted.chosen.isEmpty {
                        next = fitted.chosen
                        nextCost = fitted.seconds
                        for id in priority where unsettled.contains(id) && !next.contains(id) && !left.contains(id) { left.append(id) }
                    }
                }
                if !next.isEmpty && next != running {
                    rounds.narrow(to: next)
                    running = next
                }
            }
            if rounds.measuredSeconds + nextCost > budgetSeconds {
                stop = .budget(nextPairs: schedule[look], seconds: nextCost, budget: budgetSeconds)
                break
            }
        } while true
        let undecided = report.count(.inconclusive)
        report.notes.append(
            String(
                format: "%d pairs of rounds in %.0f s of measurement over %d of %d planned looks (of α = %@, spent %@); stopped: %@%@",
                rounds.pairs, rounds.measuredSeconds, look, schedule.count, Format.pValue(analysis.spending.alpha),
                (1...look).map { Format.pValue(analysis.spending.spent(at: $0)) }.joined(separator: " + "), stop.description,
                undecided > 0 ? "; \(undecided) undecided metric(s) are reported inconclusive with the interval reached" : "")
                + (running.map { "; the last looks ran only the \($0.count) benchmark(s) still to settle" } ?? "")
                + (left.isEmpty
                    ? ""
                    : "; left unsettled to stay within the budget (more important or cheaper ones went on): "
                        + left.prefix(5).joined(separator: ", ") + (left.count > 5 ? ", …" : "")))
        return Outcome(report: report, looks: look, stop: stop)
    }

    /// The unsettled benchmarks that `pairs` more pairs can run within `seconds`, taken in
    /// ``priority`` order (one that does not fit is skipped, a cheaper later one may still fit),
    /// and the seconds they are expected to take.
    func fit(_ unsettled: Set<String>, pairs: Int, seconds: Double, cost: (String) -> Double) -> (chosen: Set<String>, seconds: Double) {
        var chosen: Set<String> = []
        var total = 0.0
        let ordered = priority.filter(unsettled.contains) + unsettled.subtracting(priority).sorted()
        for id in ordered {
            let more = cost(id) * Double(pairs)
            if total + more <= seconds {
                chosen.insert(id)
                total += more
            }
        }
        return (chosen, total)
    }
}
