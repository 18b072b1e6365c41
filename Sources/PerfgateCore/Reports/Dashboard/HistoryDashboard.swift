import Foundation
import PerfgateSupport

/// The history dashboard (`perfgate report --history --output DIR`): a static, self-contained
/// site rendered from the results recorded along first-parent history, for one scenario on one
/// machine profile. An index lists every benchmark with a sparkline of its main metric, its newest
/// value, its verdict against the committed baseline and its latest change point; one page per
/// benchmark family charts every metric over the commits — each commit's median and the range of
/// its rounds, the change points named by their first commit, the baseline and its tolerance band.
/// No scripts or fonts from the network; long histories are drawn as at most a few hundred columns
/// per chart, each naming the commits it stands for, so a page stays light in a browser.
public struct HistoryDashboard: Sendable {
    /// The history digested for the scenario (newest first).
    public var history: HistoryDigest
    /// The newest run of the scenario on the charted profile, whole: the index's verdicts compare
    /// it with the baseline.
    public var newestRun: ResultFile?
    /// The scenario charted (runs of other scenarios measure other sizes and are left out).
    public var scenario: String { history.scenario }
    /// The machine profile charted; nil: the profile of the newest run of the scenario.
    public var profile: String?
    /// Tolerances, and the settings of the verdicts against the baseline.
    public var configuration: GateConfiguration
    /// The committed baseline of the scenario and profile, for the bands and the latest verdicts.
    public var baseline: ResultFile?
    /// What renders the site (shown at the foot of each page).
    public var generator: String?
    /// Seconds of change-point analysis before the remaining series are left out (and said to be).
    public var changeBudgetSeconds: Double
    /// When the site was generated.
    public var generatedAt: Date

    /// A dashboard of `history` for `scenario` (on `profile`, or the newest run's).
    public init(
        history: ResultHistory, scenario: String, profile: String? = nil, configuration: GateConfiguration = GateConfiguration(),
        baseline: ResultFile? = nil, generator: String? = nil, changeBudgetSeconds: Double = 30, generatedAt: Date = Date()
    ) {
        let digest = HistoryDigest(history, scenario: scenario)
        let newest = digest.newestRecorded(profile: profile ?? digest.newestProfile).flatMap { index in
            try? ResultFile.latest(
                of: history.entries[index].results.filter { $0.run.machine.profile == (profile ?? digest.newestProfile) },
                scenario: scenario, source: "git note on \(history.entries[index].commit.prefix(12))")
        }
        self.init(
            digest: digest, newestRun: newest, profile: profile, configuration: configuration, baseline: baseline, generator: generator,
            changeBudgetSeconds: changeBudgetSeconds, generatedAt: generatedAt)
    }

    /// A dashboard of a digested history (``HistoryDigest``, as the cache keeps it) and the newest
    /// run of its scenario on the profile, whole (nil: no verdicts against the baseline).
    public init(
        digest: HistoryDigest, newestRun: ResultFile?, profile: String? = nil, configuration: GateConfiguration = GateConfiguration(),
        baseline: ResultFile? = nil, generator: String? = nil, changeBudgetSeconds: Double = 30, generatedAt: Date = Date()
    ) {
        self.history = digest
        self.newestRun = newestRun
        self.profile = profile
        self.configuration = configuration
        self.baseline = baseline
        self.generator = generator
        self.changeBudgetSeconds = changeBudgetSeconds
        self.generatedAt = generatedAt
    }

    /// A rendered site: file names (relative to the output directory) and their contents, and what
    /// a reader of the command's output should know.
    public struct Site: Sendable {
        public var files: [String: String]
        /// Commits walked, and those with a run of the scenario on the profile.
        public var commits: Int
        public var recordedCommits: Int
        public var series: Int
        /// Series whose change points were analysed within the budget.
        public var analysedSeries: Int
        public var profile: String?
        public var warnings: [String]
        /// Seconds spent per phase, in order (for the command's summary line).
        public var timings: [(phase: String, seconds: Double)]
    }

    /// The machine profile the site charts: ``profile``, else that of the newest run of the scenario.
    public var chartedProfile: String? { profile ?? history.newestProfile }

    // MARK: Names shared with the report's links

    /// The family of a benchmark: its id up to the first `/` (`wal.append.single/64B/sync=none`
    /// belongs to `wal.append.single`).
    public static func family(of benchmark: String) -> String {
        benchmark.split(separator: "/", maxSplits: 1).first.map(String.init) ?? benchmark
    }

    /// A name safe in a file name and a URL fragment, one-to-one: letters, digits, `.` and `-`
    /// are kept, every other byte becomes `_` and two hex digits.
    static func safe(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            let c = Character(UnicodeScalar(byte))
            if c.isASCII && (c.isLetter || c.isNumber || c == "." || c == "-") {
                out.append(c)
            } else {
                out += String(format: "_%02x", byte)
            }
        }
        return out
    }

    /// The page of a benchmark's family.
    public static func page(for benchmark: String) -> String { safe(family(of: benchmark)) + ".html" }

    /// The anchor of one metric on its family page.
    public static func anchor(benchmark: String, metric: String) -> String { "m-" + safe(benchmark + " " + metric) }

    /// The anchor of a benchmark's section on its family page.
    public static func anchor(benchmark: String) -> String { "b-" + safe(benchmark) }

    /// The address of a metric's chart in a dashboard published at `root`.
    public static func link(root: String, benchmark: String, metric: String) -> String {
        (root.hasSuffix("/") ? root : root + "/") + page(for: benchmark) + "#" + anchor(benchmark: benchmark, metric: metric)
    }

    // MARK: Rendering

    /// One metric's values along the history, as the charts read them.
    struct Track: Sendable {
        var key: ResultHistory.SeriesKey
        var commits: [Int] = []
        var values: [Double] = []
        var spread: [ClosedRange<Double>] = []
        var summaries: [PenalizedSegmentation.CommitSummary] = []
    }

    /// The site.
    public func render() -> Site {
        var timings: [(phase: String, seconds: Double)] = []
        var clock = Date()
        func lap(_ phase: String) {
            timings.append((phase, Date().timeIntervalSince(clock)))
            clock = Date()
        }
        var warnings = history.warnings
        let entries = Array(history.entries.reversed())
        let chosenProfile = chartedProfile
        // Each commit's run of the scenario on the profile (shards joined).
        var incomplete = 0
        let runs: [RunDigest?] = entries.map { entry in
            switch chosenProfile.flatMap({ entry.note.selections[$0] }) {
            case .run(let digest): return digest
            case .incomplete:
                incomplete += 1
                return nil
            case nil: return nil
            }
        }
        if incomplete > 0 { warnings.append("\(incomplete) commit(s) left out: their newest run is a sharded run with shards missing") }
        let tracks = Self.tracks(runs)
        let series = tracks.map { track in
            let key = track.key
            let points = track.commits.indices.map { (commit: entries[track.commits[$0]].commit, value: track.values[$0]) }
            return HistorySeries(
                benchmark: key.benchmark, metric: key.metric, unit: key.unit, points: points, changePoints: [], spread: track.spread,
                baseline: baseline?.benchmark(key.benchmark)?.metric(named: key.metric)?.median,
                tolerance: configuration.tolerance(benchmark: key.benchmark, metric: key.metric))
        }
        lap("series")
        // Change points, series by series on every core, until the budget is spent.
        let started = Date()
        let budget = changeBudgetSeconds
        let detector = PenalizedSegmentation()
        let found: [[ChangePointDetector.ChangePoint]?] = tracks.concurrentMap { track in
            guard Date().timeIntervalSince(started) < budget else { return nil }
            return detector.detect(summaries: track.summaries)
        }
        var charted = series
        for index in charted.indices { charted[index].changePoints = found[index] ?? [] }
        let analysed = found.filter { $0 != nil }.count
        if analysed < series.count {
            warnings.append(
                "change points analysed in \(analysed) of \(series.count) series within \(Int(budget)) s; the others show none "
                    + "(raise --budget)")
        }
        lap("change points")
        // The newest run against the baseline.
        var verdicts: [String: MetricComparison] = [:]
        if let run = newestRun, let baseline {
            let report = Comparator(configuration: configuration).compare(
                baseline: baseline, current: run, baselineSource: "baseline", currentSource: run.run.commit ?? "newest run")
            for c in report.comparisons { verdicts[c.id] = c }
        }
        var files: [String: String] = [:]
        let families = Dictionary(grouping: charted) { Self.family(of: $0.benchmark) }
        let context = PageContext(
            scenario: scenario, profile: chosenProfile, entries: entries, recorded: runs.filter { $0 != nil }.count,
            generator: generator, generatedAt: generatedAt, hasBaseline: baseline != nil, warnings: warnings)
        // Family pages on every core (at 10,000 commits they are most of the rendering).
        let judged = verdicts
        let pages = Array(families).concurrentMap { family, members in
            (Self.safe(family) + ".html", familyPage(family, members, verdicts: judged, context: context))
        }
        for (name, page) in pages { files[name] = page }
        files["index.html"] = indexPage(families, verdicts: verdicts, context: context)
        lap("pages")
        return Site(
            files: files, commits: entries.count, recordedCommits: context.recorded, series: series.count, analysedSeries: analysed,
            profile: chosenProfile, warnings: warnings, timings: timings)
    }

    /// Every metric's values along the runs (oldest first; nil: no run), in one pass.
    static func tracks(_ runs: [RunDigest?]) -> [Track] {
        var index: [ResultHistory.SeriesKey: Int] = [:]
        var tracks: [Track] = []
        let recorded = runs.reduce(0) { $0 + ($1 == nil ? 0 : 1) }
        // Runs list their metrics in the same order: the slot of the previous run's point at the
        // same position is tried before hashing the key (10,000 runs × 500 metrics).
        var slotAt: [Int] = []
        for (commit, run) in runs.enumerated() {
            guard let run else { continue }
            for (position, point) in run.points.enumerated() {
                let slot: Int
                if position < slotAt.count, tracks[slotAt[position]].key == point.key {
                    slot = slotAt[position]
                } else if let found = index[point.key] {
                    slot = found
                } else {
                    slot = tracks.count
                    index[point.key] = slot
                    var track = Track(key: point.key)
                    // Every run may have it: one allocation each instead of doubling as they come.
                    track.commits.reserveCapacity(recorded)
                    track.values.reserveCapacity(recorded)
                    track.spread.reserveCapacity(recorded)
                    track.summaries.reserveCapacity(recorded)
                    tracks.append(track)
                }
                if position < slotAt.count { slotAt[position] = slot } else { slotAt.append(slot) }
                tracks[slot].commits.append(commit)
                tracks[slot].values.append(point.median)
                tracks[slot].spread.append(point.low...point.high)
                tracks[slot].summaries.append(point.summary)
            }
        }
        return tracks.sorted { $0.key < $1.key }
    }

    /// What every page says about where its data came from.
    struct PageContext {
        var scenario: String
        var profile: String?
        var entries: [HistoryDigest.Entry]
        var recorded: Int
        var generator: String?
        var generatedAt: Date
        var hasBaseline: Bool
        var warnings: [String]

        var footer: String {
            "Generated \(HTMLRenderer.timestamp(generatedAt)) by \(Markup.escape(generator ?? "perfgate")) from refs/notes/perfgate: "
                + "\(recorded) of \(entries.count) first-parent commits have a \(Markup.escape(scenario)) run"
                + (profile.map { " on \(Markup.escape($0))" } ?? "") + "."
        }

        var header: String {
            let span =
                entries.isEmpty
                ? "no commits"
                : "\(entries.count) commits, <code>\(entries[0].commit.prefix(10))</code> … "
                    + "<code>\(entries[entries.count - 1].commit.prefix(10))</code> (oldest … newest)"
            return
                "<p class=\"meta\">Scenario <b>\(Markup.escape(scenario))</b>, profile <code>\(Markup.escape(profile ?? "none"))</code>; "
                + "\(span); \(recorded) with results.</p>"
                + warnings.map { "<p class=\"note\">Note: \(Markup.escape($0))</p>" }.joined()
        }
    }

    /// The metric the index shows for a benchmark: p99, else throughput, else the first.
    static func primary(_ members: [HistorySeries]) -> HistorySeries? {
        members.first { $0.metric == "p99" } ?? members.first { $0.metric == "throughput" } ?? members.first
    }

    func indexPage(_ families: [String: [HistorySeries]], verdicts: [String: MetricComparison], context: PageContext) -> String {
        var body = ["<header><h1>perfgate history</h1>", context.header, "</header>"]
        if families.isEmpty {
            body.append(
                "<p class=\"note\">No \(Markup.escape(scenario)) results are recorded along this history. Record runs on the default "
                    + "branch (`perfgate run --record`, or the workflow's record job) and fetch refs/notes/perfgate.</p>")
        }
        let worst = verdicts.values.filter { $0.isGated }
        if context.hasBaseline && !worst.isEmpty {
            let regressed = worst.filter { $0.verdict == .regressed }.count
            body.append(
                "<p>Newest run against the committed baseline: "
                    + "<b style=\"color:\(HTMLPage.colour(regressed > 0 ? .regressed : .unchanged))\">"
                    + "\(regressed) regressed</b>, \(worst.filter { $0.verdict == .improved }.count) improved, "
                    + "\(worst.filter { $0.verdict == .inconclusive }.count) inconclusive, "
                    + "\(worst.filter { $0.verdict == .unchanged }.count) unchanged (one session against the baseline: a screen; "
                    + "`perfgate check` confirms).</p>")
        }
        body.append("<input id=\"filter\" placeholder=\"filter benchmarks…\">")
        body.append(
            "<div class=\"wide\"><table data-filter><thead><tr><th>benchmark</th><th>metric</th><th>trend</th><th>newest</th>"
                + "<th>against the baseline</th><th>latest change point</th></tr></thead><tbody>")
        for family in families.keys.sorted() {
            let members = families[family]!
            body.append("<tr><th colspan=\"6\"><a href=\"\(Self.safe(family)).html\">\(Markup.escape(family))</a></th></tr>")
            let benchmarks = Dictionary(grouping: members, by: \.benchmark)
            for benchmark in benchmarks.keys.sorted() {
                guard let main = Self.primary(benchmarks[benchmark]!) else { continue }
                let link = Self.page(for: benchmark) + "#" + Self.anchor(benchmark: benchmark)
                let newest = main.points.last.map { Format.value($0.value, unit: main.unit) } ?? "–"
                let judged = benchmarks[benchmark]!.compactMap { verdicts["\($0.benchmark) \($0.metric)"] }.filter(\.isGated)
                let verdict: String
                if let bad = judged.min(by: { $0.verdict.severity < $1.verdict.severity }) {
                    verdict =
                        "<span style=\"color:\(HTMLPage.colour(bad.verdict))\">\(bad.verdict.rawValue)</span>"
                        + (bad.verdict == .regressed || bad.verdict == .improved
                            ? " (\(Markup.escape(bad.metric)) \(Markup.escape(bad.change.map(Format.change) ?? "")))" : "")
                } else {
                    verdict = context.hasBaseline ? "–" : "no baseline"
                }
                // The newest change point of the benchmark's metrics, the shown metric's on a tie.
                let ordered = [main] + benchmarks[benchmark]!.filter { $0.metric != main.metric }
                let change = ordered.flatMap { s in s.changePoints.map { (s, $0) } }.max { $0.1.index < $1.1.index }
                let changeText =
                    change.map { pair in
                        "\(Markup.escape(pair.0.metric)) \(Markup.escape(Format.change(pair.1.change))) at "
                            + "<code>\(pair.0.points[pair.1.index].commit.prefix(8))</code>"
                    } ?? "none"
                body.append(
                    "<tr><td class=\"name\"><a href=\"\(link)\">\(Markup.escape(benchmark))</a></td><td>\(Markup.escape(main.metric))</td>"
                        + "<td>\(Sparkline(series: main).render())</td><td class=\"num\">\(Markup.escape(newest))</td><td>\(verdict)</td>"
                        + "<td>\(changeText)</td></tr>")
            }
        }
        body.append("</tbody></table></div>")
        return HTMLPage.page(title: "perfgate history: \(scenario)", body: body, footer: context.footer)
    }

    func familyPage(_ family: String, _ members: [HistorySeries], verdicts: [String: MetricComparison], context: PageContext) -> String {
        var body = [
            "<header><p><a href=\"index.html\">← all benchmarks</a></p><h1>\(Markup.escape(family))</h1>", context.header,
            "<p class=\"meta\">Line: each commit's median; shade: the range of its rounds; green band: the committed baseline ± "
                + "its tolerance; red: change points, labelled with the first commit of the new level. Hover a point for its "
                + "commit.</p></header>",
        ]
        let benchmarks = Dictionary(grouping: members, by: \.benchmark)
        for benchmark in benchmarks.keys.sorted() {
            body.append("<section id=\"\(Self.anchor(benchmark: benchmark))\"><h2>\(Markup.escape(benchmark))</h2><div class=\"grid\">")
            for series in benchmarks[benchmark]!.sorted(by: { $0.metric < $1.metric }) {
                let chart = TrendChart(series: series, width: 360, height: 200).render()
                guard !chart.isEmpty else { continue }
                var below: [String] = []
                if let last = series.points.last { below.append("newest \(Markup.escape(Format.value(last.value, unit: series.unit)))") }
                if let verdict = verdicts["\(series.benchmark) \(series.metric)"], verdict.isGated {
                    below.append(
                        "<span style=\"color:\(HTMLPage.colour(verdict.verdict))\">\(verdict.verdict.rawValue)</span> against the "
                            + "baseline" + (verdict.change.map { " (\(Markup.escape(Format.change($0))))" } ?? ""))
                }
                for point in series.changePoints.suffix(3) {
                    below.append(
                        "change \(Markup.escape(Format.change(point.change))) at "
                            + "<code>\(series.points[point.index].commit.prefix(10))</code>")
                }
                body.append(
                    HTMLPage.card(
                        caption: series.metric, chart: chart, below: below.joined(separator: " · "),
                        id: Self.anchor(benchmark: series.benchmark, metric: series.metric)))
            }
            body.append("</div></section>")
        }
        return HTMLPage.page(title: "perfgate history: \(family)", body: body, footer: context.footer)
    }
}
