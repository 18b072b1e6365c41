import Foundation

/// The envelope every perfgate JSON document carries: `"schema": NAME` and `"schemaVersion": N`.
/// One check for result files and reports, so both refuse a foreign or other-version document with
/// the same kind of message: the file, the field, what it is, and what to do.
struct SchemaEnvelope {
    /// The schema name a document must carry (e.g. `perfgate.result`).
    var name: String
    /// The one version this build reads.
    var version: Int
    /// What to do when the document is not JSON (truncated, say).
    var invalidFix: String
    /// What to do when the document is not of this schema at all.
    var foreignFix: String
    /// What to do when the version is missing or older.
    var olderFix: String

    /// Parses `data` as a JSON object and checks its envelope.
    /// - Throws: ``PerfgateError`` (bad input) naming `source` and the field at fault.
    func check(_ data: Data, source: String) throws -> [String: Any] {
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: data) } catch {
            if let problem = JSONDiagnosis.firstProblem(in: data) {
                throw PerfgateError.badInput(
                    file: source, field: nil, problem: "is not valid JSON: \(problem.description)",
                    fix: "Write only finite numbers: drop the sample, or mark the metric \"available\": false")
            }
            throw PerfgateError.badInput(
                file: source, field: nil,
                problem: "is not valid JSON (\(JSONDiagnosis.describe(data, error: error))); it may be truncated", fix: invalidFix)
        }
        guard let root = object as? [String: Any] else {
            throw PerfgateError.badInput(file: source, field: nil, problem: "is not a JSON object", fix: foreignFix)
        }
        guard let schema = root["schema"] as? String, schema == name else {
            throw PerfgateError.badInput(
                file: source, field: "schema", problem: "is \(root["schema"].map { "\($0)" } ?? "missing"), not \"\(name)\"",
                fix: foreignFix)
        }
        guard let found = root["schemaVersion"] as? Int else {
            throw PerfgateError.badInput(file: source, field: "schemaVersion", problem: "is missing", fix: olderFix)
        }
        guard found == version else {
            throw PerfgateError.badInput(
                file: source, field: "schemaVersion", problem: "is \(found), but this perfgate reads version \(version)",
                fix: found > version ? "Upgrade perfgate to read it" : olderFix)
        }
        return root
    }
}
