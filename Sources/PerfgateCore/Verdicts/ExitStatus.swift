/// The exit codes of every perfgate command, in one place: the gate's verdict, errors and the
/// help texts all use this type, never a bare number.
public enum ExitStatus: Int32, CaseIterable, Sendable {
    case pass = 0
    case failed = 1
    case badInput = 2
    case noBaseline = 3
    case inconclusive = 4
    case unconfirmed = 5

    /// What the code means, for help texts.
    public var meaning: String {
        switch self {
        case .pass: return "pass (improvements included, unless --fail-on-improvement)"
        case .failed: return "a regression or a failed target"
        case .badInput: return "bad input or usage (the message names the file or flag, the field and the fix)"
        case .noBaseline: return "no baseline for this profile and scenario (unless --allow-missing-baseline)"
        case .inconclusive: return "inconclusive, only with --strict"
        case .unconfirmed:
            return "regressions flagged against the stored baseline that could not be confirmed (the baseline's commit could not "
                + "be built, or the paired rounds could neither confirm nor rule them out within the budget)"
        }
    }

    /// The table for `perfgate --help`, one code per line.
    public static var helpText: String { allCases.map { "  \($0.rawValue)  \($0.meaning)" }.joined(separator: "\n") }

    /// The codes on one line, for the subcommands' help.
    public static var oneLine: String {
        allCases.map { "\($0.rawValue) \($0.meaning.components(separatedBy: " (").first!)" }.joined(separator: ", ")
    }
}
