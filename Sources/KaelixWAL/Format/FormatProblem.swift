/// A reason why bytes on disk are not what the format expects.
struct FormatProblem: Error, Equatable {
    let reason: String
    init(_ reason: String) { self.reason = reason }
}
