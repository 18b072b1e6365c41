/// Every failure perfgate reports to a person. Each names the file or input, the field, what is
/// wrong and how to fix it, and maps to the documented exit code.
public struct PerfgateError: Error, CustomStringConvertible, Equatable, Sendable {
    public enum Kind: Sendable, Equatable {
        /// Unreadable, malformed, or inconsistent input (exit 2).
        case badInput
        /// Wrong command-line usage (exit 2).
        case usage
        /// No baseline for this profile and scenario (exit 3).
        case noBaseline
        /// An environment problem: git, the file system, a build (exit 2).
        case environment
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    /// A problem with a field of an input file, phrased "FILE: FIELD: PROBLEM. FIX".
    public static func badInput(file: String, field: String?, problem: String, fix: String) -> PerfgateError {
        let location = field.map { "\(file): \($0)" } ?? file
        return PerfgateError(.badInput, "\(location): \(problem). \(fix)")
    }

    public var exitCode: Int32 {
        switch kind {
        case .badInput, .usage, .environment: return 2
        case .noBaseline: return 3
        }
    }

    public var description: String { message }
}
