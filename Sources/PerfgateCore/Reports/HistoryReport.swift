import Foundation

/// The text forms of a commit history of results (`perfgate history`): a table of values per
/// commit, the change points found in each series, and JSON for other tools.
public enum HistoryReport {
    /// A table of up to six series' values, one row per commit, newest first.
    public static func table(_ history: ResultHistory, series: [ResultHistory.SeriesKey]) -> String {
        var lines: [String] = []
        guard !series.isEmpty else { return "no recorded results in the last \(history.entries.count) commits" }
        let shown = Array(series.prefix(6))
        let header = ["commit", "date"] + shown.map { "\($0.benchmark) \($0.metric)" } + ["summary"]
        var rows: [[String]] = []
        let dateFormatter = DateFormatter()
        dateFormatter.dateFormat = "yyyy-MM-dd"
        dateFormatter.timeZone = TimeZone(identifier: "UTC")
        for entry in history.entries {
            let values = shown.map { key in history.value(key, at: entry).map { Format.value($0, unit: key.unit) } ?? "–" }
            rows.append(
                [String(entry.commit.prefix(10)), dateFormatter.string(from: Date(timeIntervalSince1970: TimeInterval(entry.time)))]
                    + values + [String(entry.summary.prefix(50))])
        }
        lines.append(TextTable.render(header: header, rows: rows))
        if series.count > shown.count {
            lines.append("(\(series.count - shown.count) more series; narrow with --benchmark and --metric, or use --json)")
        }
        return lines.joined(separator: "\n")
    }

    /// How `history --changes` finds change points.
    public enum ChangeMethod: Sendable {
        /// Penalized segmentation of every commit's rounds (the default).
        case segmentation(PenalizedSegmentation)
        /// E-divisive means on one median per commit, as Apache Otava computes it.
        case eDivisive(ChangePointDetector)
    }

    /// One change point of one series, named by the first commit of the new level.
    public struct Change: Codable, Sendable, Equatable {
        public var benchmark: String
        public var metric: String
        public var unit: String
        public var commit: String
        public var summary: String
        /// Relative change of the level: after / before − 1.
        public var change: Double
        public var before: Double
        public var after: Double
        public var pValue: Double
        /// Whether the new level is worse (by the metric's direction).
        public var worse: Bool
    }

    /// The change points of `series` found by `method`, series by series until `budgetSeconds`
    /// of analysis are spent; `analysed` says how many series that covered.
    public static func findChanges(
        _ history: ResultHistory, series: [ResultHistory.SeriesKey], method: ChangeMethod, budgetSeconds: Double = .infinity
    ) -> (changes: [Change], analysed: Int) {
        let summaries = Dictionary(history.entries.map { ($0.commit, $0.summary) }, uniquingKeysWith: { a, _ in a })
        let started = Date()
        var changes: [Change] = []
        var analysed = 0
        for key in series {
            if Date().timeIntervalSince(started) > budgetSeconds { break }
            analysed += 1
            let commits: [String]
            let points: [ChangePointDetector.ChangePoint]
            switch method {
            case .segmentation(let detector):
                let rounds = history.rounds(key)
                commits = rounds.map(\.commit)
                points = detector.detect(rounds.map(\.samples))
            case .eDivisive(let detector):
                let values = history.values(key)
                commits = values.map(\.commit)
                points = detector.detect(values.map(\.value))
            }
            for point in points {
                let commit = commits[point.index]
                changes.append(
                    Change(
                        benchmark: key.benchmark, metric: key.metric, unit: key.unit, commit: commit, summary: summaries[commit] ?? "",
                        change: point.change, before: point.meanBefore, after: point.meanAfter, pValue: point.pValue,
                        worse: key.direction == .lowerIsBetter ? point.change > 0 : point.change < 0))
            }
        }
        return (changes, analysed)
    }

    /// The change points found, one line each, then a count (and what the budget left out).
    public static func changes(_ found: (changes: [Change], analysed: Int), series: Int, commits: Int) -> String {
        var lines = found.changes.map { c in
            "\(c.benchmark) \(c.metric): \(Format.percent(c.change)) (\(c.worse ? "worse" : "better")) from "
                + "\(Format.value(c.before, unit: c.unit)) to \(Format.value(c.after, unit: c.unit)), "
                + "first at \(c.commit.prefix(12)) \"\(c.summary)\", p=\(Format.pValue(c.pValue))"
        }
        lines.append(
            (found.changes.isEmpty ? "no change points" : "\(found.changes.count) change point(s)")
                + " in \(found.analysed) series over \(commits) commits"
                + (found.analysed < series
                    ? " (the time budget ended the analysis: \(series - found.analysed) series not analysed; "
                        + "narrow with --benchmark or raise --budget)" : ""))
        return lines.joined(separator: "\n")
    }

    /// The change points found as JSON: the changes, and how much was analysed.
    /// - Throws: ``PerfgateError`` when they cannot be encoded.
    public static func changesJSON(_ found: (changes: [Change], analysed: Int), series: Int, commits: Int) throws -> String {
        struct Document: Encodable {
            var changes: [Change]
            var seriesAnalysed: Int
            var series: Int
            var commits: Int
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        do {
            let data = try encoder.encode(
                Document(changes: found.changes, seriesAnalysed: found.analysed, series: series, commits: commits))
            return String(decoding: data, as: UTF8.self)
        } catch {
            throw PerfgateError(.environment, "could not encode the change points as JSON: \(error)")
        }
    }

    /// The series and every commit's values as JSON.
    /// - Throws: ``PerfgateError`` when the values cannot be encoded.
    public static func json(_ history: ResultHistory, series: [ResultHistory.SeriesKey]) throws -> String {
        let commits: [[String: Any]] = history.entries.map { entry in
            var values: [String: Any] = [:]
            for key in series {
                if let v = history.value(key, at: entry) { values["\(key.benchmark) \(key.metric)"] = v }
            }
            return ["commit": entry.commit, "time": entry.time, "summary": entry.summary, "runs": entry.results.count, "values": values]
        }
        let document: [String: Any] = [
            "series": series.map { ["benchmark": $0.benchmark, "metric": $0.metric, "unit": $0.unit, "direction": $0.direction.rawValue] },
            "commits": commits, "warnings": history.warnings,
        ]
        guard let data = try? JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys]) else {
            throw PerfgateError(.environment, "could not encode the history as JSON")
        }
        return String(decoding: data, as: UTF8.self)
    }
}
