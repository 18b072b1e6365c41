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

    /// The two fields the check reads. Decoding only these (instead of building the whole document
    /// as a dictionary) keeps the check cheap next to the real decoding: reading the history of
    /// 10 000 recorded commits spent a sixth of its time here before.
    private struct Fields: Decodable {
        var schema: String?
        var schemaVersion: Int?

        init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            schema = try? container.decodeIfPresent(String.self, forKey: .schema)
            schemaVersion = try? container.decodeIfPresent(Int.self, forKey: .schemaVersion)
        }

        enum CodingKeys: String, CodingKey { case schema, schemaVersion }
    }

    /// Checks that `data` is a JSON object carrying this envelope.
    /// - Throws: ``PerfgateError`` (bad input) naming `source` and the field at fault.
    func check(_ data: Data, source: String) throws {
        let fields: Fields
        do { fields = try JSONDecoder().decode(Fields.self, from: data) } catch DecodingError.typeMismatch {
            throw PerfgateError.badInput(file: source, field: nil, problem: "is not a JSON object", fix: foreignFix)
        } catch {
            if let problem = JSONDiagnosis.firstProblem(in: data) {
                throw PerfgateError.badInput(
                    file: source, field: nil, problem: "is not valid JSON: \(problem.description)",
                    fix: "Write only finite numbers: drop the sample, or mark the metric \"available\": false")
            }
            throw PerfgateError.badInput(
                file: source, field: nil,
                problem: "is not valid JSON (\(JSONDiagnosis.describe(data, error: error))); it may be truncated", fix: invalidFix)
        }
        guard let schema = fields.schema, schema == name else {
            throw PerfgateError.badInput(
                file: source, field: "schema", problem: "is \(fields.schema.map { "\($0)" } ?? "missing"), not \"\(name)\"",
                fix: foreignFix)
        }
        guard let found = fields.schemaVersion else {
            throw PerfgateError.badInput(file: source, field: "schemaVersion", problem: "is missing", fix: olderFix)
        }
        guard found == version else {
            throw PerfgateError.badInput(
                file: source, field: "schemaVersion", problem: "is \(found), but this perfgate reads version \(version)",
                fix: found > version ? "Upgrade perfgate to read it" : olderFix)
        }
    }
}
