import ArgumentParser
import Foundation
import PerfgateCore
import WALBenchmarks

// Typed command-line values: argument-parser parses and checks them before any command runs, and
// `--help` and shell completion list the real values.

extension Scenario: ExpressibleByArgument {
    /// The scenarios a person picks; `smoke` (the tests' tiny scenario) is accepted but not listed.
    static var userFacing: [Scenario] { allCases.filter { $0 != .smoke } }
    public static var allValueStrings: [String] { userFacing.map(\.rawValue) }
    public static var allValueDescriptions: [String: String] {
        Dictionary(uniqueKeysWithValues: userFacing.map { ($0.rawValue, $0.summary) })
    }
    public static var defaultCompletionKind: CompletionKind { .list(allValueStrings) }
}

extension ReportFormat: ExpressibleByArgument {
    public static var allValueDescriptions: [String: String] {
        Dictionary(uniqueKeysWithValues: allCases.map { ($0.rawValue, $0.summary) })
    }
}

extension InputFormat: ExpressibleByArgument {}

/// A time budget such as `300`, `90s`, `5m` or `1h`, in seconds.
struct Budget: ExpressibleByArgument, Equatable {
    var seconds: Double
    private var text: String

    init?(argument: String) {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600]
        if let unit = argument.last, let factor = units[unit], let value = Double(argument.dropLast()), value > 0, value.isFinite {
            seconds = value * factor
        } else if let value = Double(argument), value > 0, value.isFinite {
            seconds = value
        } else {
            return nil
        }
        text = argument
    }

    var defaultValueDescription: String { text }
}

/// Runs a library's check inside `validate()`: argument-parser reports only a `ValidationError`
/// as a usage error (exit 2), so a ``PerfgateError`` becomes one with the same message.
func usageCheck(_ body: () throws -> Void) throws {
    do { try body() } catch let error as PerfgateError { throw ValidationError(error.message) }
}
