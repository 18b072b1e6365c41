/// Markdown for `$GITHUB_STEP_SUMMARY` and pull-request comments. It leads with what decides the
/// build (regressions, failed targets, missing benchmarks, then gated metrics still undecided),
/// folds the rest into collapsed tables — gated metrics, then those only reported — and ends with
/// the method and a link to the HTML report. Benchmark names are escaped so they cannot break the
/// table or inject markup.
///
/// **Size.** A GitHub comment holds at most 65,536 characters. The renderer keeps its output under
/// ``limit`` UTF-8 bytes (never fewer bytes than characters) for any suite: when the whole report
/// would not fit, it drops table rows from the end of the least important table first (not gated,
/// then gated and decided, then undecided), then explanation lines of the failures beyond the
/// first, and says in each shortened place how many rows it left out and where to find them (the
/// HTML and JSON reports hold every metric).
public struct MarkdownRenderer {
    /// The largest output, in UTF-8 bytes: GitHub's comment limit less room for a marker line
    /// and a wrapper a workflow may add.
    public static let limit = 65_536 - 1_536

    /// Where the reader finds more.
    public var links: ReportLinks
    /// The byte budget (``limit`` by default; tests use smaller ones).
    public var budget: Int

    /// A renderer that links to `links` and stays within `budget` bytes.
    public init(links: ReportLinks = ReportLinks(), budget: Int = MarkdownRenderer.limit) {
        self.links = links
        self.budget = budget
    }

    /// Escapes Markdown and HTML metacharacters.
    public static func escape(_ text: String) -> String {
        var result = ""
        for character in text {
            switch character {
            case "|", "\\", "`", "*", "_", "[", "]", "#", "~", "!": result += "\\\(character)"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "&": result += "&amp;"
            case "\n", "\r": result += " "
            default: result.append(character)
            }
        }
        return result
    }

    func row(_ c: MetricComparison, mode: GateReport.Mode) -> String {
        "| " + c.tableCells(mode).map(Self.escape).joined(separator: " | ") + " |"
    }

    static func tableHeader(_ mode: GateReport.Mode) -> String {
        "| " + MetricComparison.tableHeader(mode).joined(separator: " | ") + " |\n|---|---|---|---:|---:|---:|---|---:|---:|---:|"
    }

    /// A block of the document; tables and lists can lose rows from the end to fit the budget.
    struct Block {
        var head: [String]
        var rows: [String]
        var tail: [String]
        /// Rows kept (all unless shortened).
        var kept: Int
        /// What to say in place of the rows left out.
        var omission: (Int) -> String

        init(head: [String] = [], rows: [String] = [], tail: [String] = [], omission: @escaping (Int) -> String = { _ in "" }) {
            self.head = head
            self.rows = rows
            self.tail = tail
            self.kept = rows.count
            self.omission = omission
        }

        var lines: [String] {
            head + rows.prefix(kept) + (kept < rows.count ? [omission(rows.count - kept)] : []) + tail
        }
    }

    /// The row that stands for `count` rows left out of `table`.
    static func omission(_ table: String) -> (Int) -> String {
        { "| … | \($0) more \(table) rows: see the HTML or JSON report | | | | | | | | |" }
    }

    /// A collapsed table of `rows` under `summary` (nothing without rows); `table` names it where rows are left out.
    func folded(_ rows: [MetricComparison], summary: String, table: String, mode: GateReport.Mode) -> Block {
        var block = Block(omission: Self.omission(table))
        guard !rows.isEmpty else { return block }
        block.head = ["", "<details><summary>\(summary)</summary>", "", Self.tableHeader(mode)]
        block.rows = rows.map { row($0, mode: mode) }
        block.kept = block.rows.count
        block.tail = ["", "</details>"]
        return block
    }

    /// Markdown for a job summary or a pull request comment, within ``budget`` bytes.
    public func render(_ report: GateReport) -> String {
        var parts = blocks(report)
        // The order in which tables give up rows: least important first.
        let shrinkOrder = [5, 4, 3, 1]
        func size() -> Int { parts.reduce(0) { $0 + $1.lines.reduce(0) { $0 + $1.utf8.count + 1 } } + 1 }
        for index in shrinkOrder where size() > budget && index < parts.count {
            // The most rows that fit, by bisection.
            var low = 0
            var high = parts[index].rows.count
            while low < high {
                let middle = (low + high + 1) / 2
                parts[index].kept = middle
                if size() <= budget { low = middle } else { high = middle - 1 }
            }
            parts[index].kept = low
        }
        var text = parts.flatMap(\.lines).joined(separator: "\n") + "\n"
        if text.utf8.count > budget {
            // Only pathological names get here (a few rows of megabytes): cut at a line boundary.
            var lines: [Substring] = []
            var bytes = 0
            let note = "\n\n_(cut to fit GitHub's comment limit: the HTML and JSON reports hold everything)_\n"
            for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
                if bytes + line.utf8.count + 1 + note.utf8.count > budget { break }
                lines.append(line)
                bytes += line.utf8.count + 1
            }
            text = lines.joined(separator: "\n") + note
        }
        return text
    }

    /// The document in blocks: 0 heading and context, 1 what failed, 2 advice and notes,
    /// 3 undecided gated metrics, 4 gated metrics decided, 5 not gated, 6 targets met and footer.
    func blocks(_ report: GateReport) -> [Block] {
        let mode = report.mode
        // 0: heading and context.
        var head: [String] = []
        let icon = report.outcome == .regression ? "❌" : (report.outcome == .pass ? "✅" : "⚠️")
        head.append("## \(icon) perfgate: \(Self.escape(report.headline))")
        head.append("")
        head.append(
            "Scenario **\(Self.escape(report.scenario))**, \(report.mode.rawValue) mode, profile "
                + "`\(report.profile.replacingOccurrences(of: "`", with: ""))`. "
                + "Baseline: \(Self.escape(report.baselineSource))" + (report.baselineCommit.map { " (`\($0.prefix(12))`)" } ?? "")
                + "; current: " + (report.currentCommit.map { "`\($0.prefix(12))`" } ?? Self.escape(report.currentSource)) + ".")
        if let environment = report.environment {
            head.append("")
            head.append("> **The machine moved.** " + Self.escape(environment.sentence))
        }
        // 1: what failed (each failure once, with its explanation).
        let regressions = report.sortedComparisons.filter { $0.verdict == .regressed }
        var failed = Block(omission: { "- … and \($0) more regressions (the HTML and JSON reports list them all)" })
        if !regressions.isEmpty || !report.failedTargets.isEmpty || !report.missingBenchmarks.isEmpty {
            failed.head = ["", "### What failed"]
            failed.head += report.failedTargets.map { "- **target failed** — " + Self.escape($0.explanation) }
            failed.head += report.missingBenchmarks.map {
                "- **missing** — " + Self.escape("\($0) is in the baseline but did not run: " + GateReport.missingAdvice)
            }
            failed.rows = regressions.map { "- **regressed** — " + Self.escape($0.explanation) }
            failed.kept = failed.rows.count
        }
        // 2: what to do, targets to watch, notes.
        var advice: [String] = []
        if !regressions.isEmpty || !report.failedTargets.isEmpty || !report.missingBenchmarks.isEmpty {
            advice += ["", "_What to do:_ " + Self.escape(report.advice)]
        }
        if !report.warnedTargets.isEmpty {
            advice += ["", "### Targets to watch"] + report.warnedTargets.map { "- " + Self.escape($0.explanation) }
        }
        if !report.notes.isEmpty { advice += [""] + report.notes.map { "> **Note:** " + Self.escape($0) } }
        // 3: gated metrics the comparison could not decide: shown open, they are what to watch.
        let gatedRest = report.sortedComparisons.filter { $0.verdict != .regressed && $0.isGated }
        let undecided = gatedRest.filter { $0.verdict == .inconclusive }
        var undecidedBlock = Block(omission: Self.omission("inconclusive"))
        if !undecided.isEmpty {
            undecidedBlock.head = [
                "", "### \(undecided.count) gated metric(s) undecided",
                "Neither a regression nor within the tolerance at this run's size; they do not fail the build.", "",
                Self.tableHeader(mode),
            ]
            undecidedBlock.rows = undecided.map { row($0, mode: mode) }
            undecidedBlock.kept = undecidedBlock.rows.count
        }
        // 4: gated metrics decided (unchanged, improved), collapsed; 5: everything not gated, collapsed.
        let decided = gatedRest.filter { $0.verdict != .inconclusive }
        let decidedBlock = folded(
            decided,
            summary: "\(decided.count) gated metric(s) decided: \(report.count(.unchanged)) unchanged, "
                + "\(report.count(.improved)) improved", table: "gated", mode: mode)
        let notGated = report.sortedComparisons.filter { !$0.isGated }
        let notGatedBlock = folded(
            notGated, summary: "\(notGated.count) metric(s) not gated (reported only, controls, low confidence, unavailable)",
            table: "not-gated", mode: mode)
        // 6: targets met, method, links.
        var foot: [String] = []
        let metTargets = report.targets.filter { $0.status == .met }
        if !metTargets.isEmpty {
            foot += ["", "<details><summary>\(metTargets.count) target(s) met</summary>", ""]
            foot += metTargets.map { "- " + Self.escape($0.explanation) } + ["", "</details>"]
        }
        foot.append("")
        var sub = Self.escape(report.method)
        if report.hasComparisons {
            sub +=
                report.mode == .paired
                ? " The pairs column counts the A/B pairs measured; the paired change is the estimate judged, and the head column "
                    + "is the base median times it."
                : " The rounds column counts each side's rounds (baseline/current)."
        }
        foot.append("<sub>" + sub + "</sub>")
        var links: [String] = []
        if let run = self.links.runURL { links.append("[charts and every round: the HTML report in this run's artifacts](\(run))") }
        if let history = self.links.historyURL { links.append("[history of every benchmark](\(history))") }
        if !links.isEmpty { foot += ["", links.joined(separator: " · ")] }
        return [
            Block(head: head), failed, Block(head: advice), undecidedBlock, decidedBlock, notGatedBlock, Block(head: foot),
        ]
    }
}
