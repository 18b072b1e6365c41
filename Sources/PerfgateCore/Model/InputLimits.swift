import Foundation

/// How much perfgate reads from one input, so that a huge or hostile file is refused up front,
/// with the limit named, instead of taking minutes and gigabytes to compare. The limits sit far
/// above real use: the ci scenario's result is about 0.5 MB with 20 samples per metric.
public enum InputLimits {
    /// Largest result file read (64 MiB).
    public static let maxFileBytes = 64 << 20
    /// Most samples (rounds) of one metric. Every sample is a fresh process; no gate needs more.
    public static let maxSamplesPerMetric = 10_000
    /// Most samples of one run, all metrics together (bootstrap intervals cost time per sample).
    public static let maxSamplesTotal = 1_000_000

    /// Refuses a file larger than ``maxFileBytes`` before reading it.
    public static func checkFileSize(_ path: String) throws {
        guard let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int else { return }
        if size > maxFileBytes {
            throw PerfgateError.badInput(
                file: path, field: nil,
                problem: "is \(size >> 20) MiB, larger than the \(maxFileBytes >> 20) MiB perfgate reads",
                fix: "Record fewer rounds or benchmarks per file (a ci run is about 0.5 MB)")
        }
    }
}
