/// A message as the broker sees it: the stream it belongs to, an optional key, the value, ordered
/// headers and a timestamp (milliseconds since the Unix epoch).
public struct BrokerMessage: Sendable, Equatable {
    /// One message header: a name and opaque bytes.
    public struct Header: Sendable, Equatable {
        public var name: String
        public var value: [UInt8]
        /// A header called `name` holding `value`.
        public init(name: String, value: [UInt8]) {
            self.name = name
            self.value = value
        }
    }

    public var stream: String
    public var key: [UInt8]?
    public var value: [UInt8]
    public var headers: [Header]
    public var timestampMilliseconds: Int64

    /// A message of `stream` with an optional key, a value, headers and a timestamp.
    public init(
        stream: String, key: [UInt8]? = nil, value: [UInt8], headers: [Header] = [],
        timestampMilliseconds: Int64
    ) {
        self.stream = stream
        self.key = key
        self.value = value
        self.headers = headers
        self.timestampMilliseconds = timestampMilliseconds
    }
}

/// A message as the log stores it: the stream name and one opaque payload.
public struct StorageEntry: Sendable, Equatable {
    public var stream: String
    public var payload: [UInt8]

    /// An entry of `stream` holding `payload` (an encoded ``BrokerMessage``).
    public init(stream: String, payload: [UInt8]) {
        self.stream = stream
        self.payload = payload
    }
}
