/// One measured quantity of a benchmark (for example `p99` in `ns`) with its samples: one value
/// per round, in round order. The statistics treat each round as one observation.
public struct Metric: Codable, Sendable, Equatable {
    public var name: String
    public var unit: String
    public var direction: MetricDirection
    public var kind: MetricKind
    /// One value per round. Empty when the metric is unavailable on this machine.
    public var samples: [Double]
    /// False when the machine could not measure this metric (for example a counter whose collector
    /// is missing). An unavailable metric is reported as such, never as zero, and never gated.
    public var available: Bool
    /// Why the metric is unavailable, when it is.
    public var unavailableReason: String?
    /// In a baseline built from several independent sessions, the metric's median in each one
    /// (nil in a single run). The stored-baseline comparison uses them to judge the current session
    /// against what sessions of the base code do, instead of pooling rounds.
    public var sessionMedians: [Double]?

    /// A metric with one sample per round; an unavailable one (nothing to measure it with) has no samples and says why.
    public init(
        name: String, unit: String, direction: MetricDirection, kind: MetricKind = .timing,
        samples: [Double], available: Bool = true, unavailableReason: String? = nil
    ) {
        self.name = name
        self.unit = unit
        self.direction = direction
        self.kind = kind
        self.samples = samples
        self.available = available
        self.unavailableReason = unavailableReason
    }

    enum CodingKeys: String, CodingKey { case name, unit, direction, kind, samples, available, unavailableReason, sessionMedians }

    /// Decodes a metric; `kind` defaults to timing and `available` to true (older files lack them).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        unit = try c.decode(String.self, forKey: .unit)
        direction = try c.decode(MetricDirection.self, forKey: .direction)
        kind = try c.decodeIfPresent(MetricKind.self, forKey: .kind) ?? .timing
        samples = try c.decode([Double].self, forKey: .samples)
        available = try c.decodeIfPresent(Bool.self, forKey: .available) ?? true
        unavailableReason = try c.decodeIfPresent(String.self, forKey: .unavailableReason)
        sessionMedians = try c.decodeIfPresent([Double].self, forKey: .sessionMedians)
    }

    /// The fast path of ``FastJSONDecoder`` for the most numerous object of a result (hundreds
    /// per run): the same fields and defaults as ``init(from:)``, read straight from the parsed
    /// members; anything else (a wrong type, an unknown direction or kind) throws, and the caller
    /// decodes with `JSONDecoder` instead. `FastJSONDecoderTests` checks both agree.
    init(json members: [(key: String, value: JSONValue)], path: [any CodingKey]) throws {
        var name: String?
        var unit: String?
        var direction: MetricDirection?
        var kind = MetricKind.timing
        var samples: [Double]?
        var available = true
        var reason: String?
        var sessions: [Double]?
        func numbers(_ value: JSONValue) throws -> [Double] {
            guard case .numbers(let numbers) = value else { throw FastJSONDecoder.mismatch([Double].self, value, path) }
            return numbers
        }
        for (key, value) in members {
            switch key {
            case "name": name = try FastJSONDecoder.string(value, path: path)
            case "unit": unit = try FastJSONDecoder.string(value, path: path)
            case "direction":
                guard let found = MetricDirection(rawValue: try FastJSONDecoder.string(value, path: path)) else {
                    throw FastJSONDecoder.mismatch(MetricDirection.self, value, path)
                }
                direction = found
            case "kind":
                if case .null = value { continue }
                guard let found = MetricKind(rawValue: try FastJSONDecoder.string(value, path: path)) else {
                    throw FastJSONDecoder.mismatch(MetricKind.self, value, path)
                }
                kind = found
            case "samples": samples = try numbers(value)
            case "available":
                if case .null = value { continue }
                available = try FastJSONDecoder.bool(value, path: path)
            case "unavailableReason":
                if case .null = value { continue }
                reason = try FastJSONDecoder.string(value, path: path)
            case "sessionMedians":
                if case .null = value { continue }
                sessions = try numbers(value)
            default: continue
            }
        }
        guard let name, let unit, let direction, let samples else {
            throw DecodingError.dataCorrupted(.init(codingPath: path, debugDescription: "a metric lacks a required field"))
        }
        self.init(
            name: name, unit: unit, direction: direction, kind: kind, samples: samples, available: available, unavailableReason: reason)
        sessionMedians = sessions
    }

    /// Encodes the metric, leaving out the unavailability fields of an available one.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(unit, forKey: .unit)
        try c.encode(direction, forKey: .direction)
        try c.encode(kind, forKey: .kind)
        try c.encode(samples, forKey: .samples)
        if !available { try c.encode(false, forKey: .available) }
        try c.encodeIfPresent(unavailableReason, forKey: .unavailableReason)
        try c.encodeIfPresent(sessionMedians, forKey: .sessionMedians)
    }

    /// The median of the samples (nil when there are none).
    public var median: Double? { Quantile.median(samples) }
}
