/// How a metric is measured, which decides how it is gated.
public enum MetricKind: String, Codable, Sendable {
    /// A timing or rate that varies from round to round: gated with statistics.
    case timing
    /// An exact count (system calls, bytes written per message) that is the same every round for
    /// the same code: gated exactly, without statistics.
    case counter

    /// Decodes a kind, naming the accepted values when the text is none of them.
    public init(from decoder: any Decoder) throws {
        self = try decodeListingAllowedValues(
            from: decoder,
            allowed: [
                ("timing", "varies by round, gated with statistics"),
                ("counter", "exact, gated without statistics"),
            ])
    }
}
