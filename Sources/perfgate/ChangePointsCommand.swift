import ArgumentParser
import Foundation
import PerfgateCore

/// Runs both change-point detectors on histories given as JSON, for
/// scripts/changepoint_benchmark.sh: no git, no notes, only the statistics.
struct ChangePointsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "_changepoints", abstract: "Detect change points in histories read from a JSON file (benchmarks).",
        shouldDisplay: false)

    @Argument(help: "A JSON file {\"series\": [[[round, …] per commit, oldest first], …]}.")
    var input: String

    @Option(help: "The segmentation's penalty per change, in units of log n.")
    var penalty = PenalizedSegmentation().penalty

    @Option(help: "The segmentation's shortest level, in commits.")
    var minimumSegment = PenalizedSegmentation().minimumSegment

    struct Input: Decodable { var series: [[[Double]]] }
    struct Output: Encodable {
        var segmentation: [[Int]]
        var eDivisive: [[Int]]
        var seconds: Double
    }

    func run() throws {
        try withExitCodes {
            guard let data = FileManager.default.contents(atPath: input) else {
                throw PerfgateError.badInput(file: input, field: nil, problem: "cannot be read", fix: "Pass a readable JSON file")
            }
            let histories: Input
            do { histories = try JSONDecoder().decode(Input.self, from: data) } catch {
                throw PerfgateError.badInput(
                    file: input, field: "series", problem: "is not a list of histories of rounds (\(error))",
                    fix: "Write {\"series\": [[[1.0, 1.1], [1.0, 0.9]]]}")
            }
            let segmentation = PenalizedSegmentation(penalty: penalty, minimumSegment: minimumSegment)
            let started = Date()
            let segmented = histories.series.map { segmentation.detect($0).map(\.index) }
            let seconds = Date().timeIntervalSince(started)
            let divisive = ChangePointDetector()
            let medians = histories.series.map { divisive.detect($0.map { Quantile.median($0) ?? 0 }).map(\.index) }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(
                String(decoding: try encoder.encode(Output(segmentation: segmented, eDivisive: medians, seconds: seconds)), as: UTF8.self))
        }
    }
}
