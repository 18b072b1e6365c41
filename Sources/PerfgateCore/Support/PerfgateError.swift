/// Every failure perfgate reports to a person. Each names the file or input, the field, what is
/// wrong and how to fix it, maps to the documented exit code, and keeps the error that caused it
/// (a ``GitError``, a system call's) for whoever wants more than the message.
public struct PerfgateError: Error, CustomStringConvertible, Equatable, Sendable {
    /// What went wrong, as far as the exit code is concerned.
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
    /// The lower-level error this one explains, when there was one.
    public var cause: (any Error & Sendable)?

    /// An error of `kind` whose `message` a person reads, with the error that caused it.
    public init(_ kind: Kind, _ message: String, cause: (any Error & Sendable)? = nil) {
        self.kind = kind
        self.message = message
        self.cause = cause
    }

    /// An environment failure explained by `cause` (its description becomes the message, with an
    /// optional hint after it).
    public static func environment(_ cause: any Error & Sendable, hint: String? = nil) -> PerfgateError {
        PerfgateError(.environment, "\(cause)" + (hint.map { ". \($0)" } ?? ""), cause: cause)
    }

    /// Errors compare by kind and message (the cause is context, not identity).
    public static func == (lhs: PerfgateError, rhs: PerfgateError) -> Bool {
        lhs.kind == rhs.kind && lhs.message == rhs.message
    }

    /// A problem with a field of an input file, phrased "FILE: FIELD: PROBLEM. FIX".
    public static func badInput(file: String, field: String?, problem: String, fix: String) -> PerfgateError {
        let location = field.map { "\(file): \($0)" } ?? file
        return PerfgateError(.badInput, "\(location): \(problem). \(fix)")
    }

    public var exitStatus: ExitStatus {
        switch kind {
        case .badInput, .usage, .environment: return .badInput
        case .noBaseline: return .noBaseline
        }
    }

    public var description: String { message }
}
