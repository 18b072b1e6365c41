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

    /// Every change point `detector` finds in each series, then a count.
    public static func changes(_ history: ResultHistory, series: [ResultHistory.SeriesKey], detector: ChangePointDetector) -> String {
        var lines: [String] = []
        let summaries = Dictionary(history.entries.map { ($0.commit, $0.summary) }, uniquingKeysWith: { a, _ in a })
        var found = 0
        for key in series {
            let values = history.values(key)
            for point in detector.detect(values.map(\.value)) {
                found += 1
                let commit = values[point.index].commit
                let worse = key.direction == .lowerIsBetter ? point.change > 0 : point.change < 0
                lines.append(
                    "\(key.benchmark) \(key.metric): \(Format.percent(point.change)) (\(worse ? "worse" : "better")) from "
                        + "\(Format.value(point.meanBefore, unit: key.unit)) to \(Format.value(point.meanAfter, unit: key.unit)), "
                        + "first at \(commit.prefix(12)) \"\(summaries[commit] ?? "")\", p=\(Format.pValue(point.pValue))")
            }
        }
        lines.append(
            found == 0
                ? "no change points in \(series.count) series over \(history.entries.count) commits"
                : "\(found) change point(s) in \(series.count) series over \(history.entries.count) commits")
        return lines.joined(separator: "\n")
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
