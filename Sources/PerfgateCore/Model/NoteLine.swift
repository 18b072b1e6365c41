import Foundation

/// A result as one line of a git note: compact JSON with samples rounded to 6 significant digits
/// (far below the machine's noise), so a note holding many runs stays small.
public enum NoteLine {
    /// One line of compact JSON for a git note.
    /// - Throws: ``PerfgateError`` when the result cannot be encoded.
    public static func encode(_ result: ResultFile) throws -> String {
        var compact = result
        for b in compact.benchmarks.indices {
            for m in compact.benchmarks[b].metrics.indices {
                compact.benchmarks[b].metrics[m].samples = compact.benchmarks[b].metrics[m].samples.map(roundToSignificant)
            }
        }
        do {
            return String(decoding: try compact.encoded(compact: true), as: UTF8.self)
        } catch {
            throw PerfgateError(.environment, "could not encode the result for a git note: \(error)")
        }
    }

    /// The run id of a note line, the key that de-duplicates runs when notes are merged; the line
    /// itself when it is not perfgate's JSON (so foreign lines are kept, never dropped).
    public static func runID(of line: String) -> String {
        guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
            let run = object["run"] as? [String: Any], let id = run["runID"] as? String
        else { return line }
        return "run:" + id
    }

    /// Decodes a note line; nil (with the reason) for lines that are not perfgate results.
    public static func decode(_ line: String, commit: String) -> Result<ResultFile, PerfgateError> {
        decode(Data(line.utf8), commit: commit)
    }

    /// Decodes a note line given as its bytes.
    public static func decode(_ line: Data, commit: String) -> Result<ResultFile, PerfgateError> {
        do {
            return .success(try ResultFile.decode(line, source: "git note on \(commit.prefix(12))"))
        } catch let error as PerfgateError {
            return .failure(error)
        } catch {
            return .failure(PerfgateError(.badInput, "git note on \(commit.prefix(12)): \(error)"))
        }
    }

    static func roundToSignificant(_ value: Double) -> Double {
        guard value != 0, value.isFinite else { return value }
        let digits = 6 - Int((log10(abs(value))).rounded(.up))
        let scale = pow(10, Double(digits))
        return (value * scale).rounded() / scale
    }
}
