import ArgumentParser
import Foundation
import PerfgateCore

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: "Render a stored comparison (from `compare --format json`) in another format.")

    @Argument(help: "A report written by `perfgate compare --format json --output FILE`.")
    var input: String

    @Option(help: "Output format: \(ReportFormat.allCases.map(\.rawValue).joined(separator: ", ")).")
    var format = "terminal"

    @Option(help: "Write to this file instead of standard output.")
    var output: String?

    func run() throws {
        try withExitCodes {
            let report = try GateReport.load(path: input)
            guard let format = ReportFormat(rawValue: format) else {
                throw PerfgateError(
                    .usage, "unknown --format '\(format)'; use one of \(ReportFormat.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            let text = try format.render(report, colour: output == nil && Terminal.stdoutIsTerminal)
            if let output { try AtomicFile.write(Data(text.utf8), to: output) } else { print(text, terminator: "") }
        }
    }
}
