/// Which way a metric improves.
public enum MetricDirection: String, Codable, Sendable, CaseIterable {
    /// Latencies, bytes, costs: smaller is better.
    case lowerIsBetter = "lower"
    /// Throughput: larger is better.
    case higherIsBetter = "higher"

    /// How much slower a relative change of a metric's median (current / baseline − 1) means, as a
    /// fraction of more time: a latency's change itself, a throughput's inverse (−20 % → +25 %).
    public func slowdown(ofChange change: Double) -> Double {
        self == .lowerIsBetter ? change : 1 / (1 + change) - 1
    }

    /// Decodes a direction, naming the accepted values when the text is none of them.
    public init(from decoder: any Decoder) throws {
        self = try decodeListingAllowedValues(from: decoder, allowed: [("lower", "smaller is better"), ("higher", "larger is better")])
    }
}

/// Decodes a string-valued enum; an unknown value is an error that lists the allowed ones.
func decodeListingAllowedValues<Value: RawRepresentable>(from decoder: any Decoder, allowed: [(value: String, meaning: String)]) throws
    -> Value
where Value.RawValue == String {
    let container = try decoder.singleValueContainer()
    let text = try container.decode(String.self)
    guard let value = Value(rawValue: text) else {
        let list = allowed.map { "\"\($0.value)\" (\($0.meaning))" }.joined(separator: " or ")
        throw DecodingError.dataCorruptedError(in: container, debugDescription: "is \"\(text)\"; use \(list)")
    }
    return value
}
