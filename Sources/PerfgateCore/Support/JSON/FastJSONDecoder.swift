import Foundation

/// Decodes `Decodable` types from JSON several times faster than Foundation's `JSONDecoder` on
/// perfgate's documents, which are mostly arrays of numbers: one parse into a ``JSONValue`` tree,
/// arrays of numbers decoded as `[Double]` without a container per element, dates in the
/// ISO 8601 form perfgate writes (`2026-12-02T07:57:12Z`). A long history decodes thousands of
/// results, and this is most of the time it takes.
///
/// It is a fast path, not a second schema: the types' own `Decodable` conformances do the
/// decoding, and it is strict (types must match exactly, integers must be exact). Whatever it
/// throws, callers decode again with `JSONDecoder`, whose errors are worded for a person; so a
/// document this decoder refuses is still read, or refused with the usual message.
enum FastJSONDecoder {
    /// A `T` from `data`.
    /// - Throws: ``JSONParseError`` or `DecodingError` at the first thing it does not accept.
    static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        try value(T.self, from: try JSONParser.parse(data), path: [])
    }

    static func value<T: Decodable>(_ type: T.Type, from json: JSONValue, path: [any CodingKey]) throws -> T {
        if T.self == [Double].self, case .numbers(let numbers) = json { return numbers as! T }
        if T.self == Date.self { return try date(json, path: path) as! T }
        if T.self == Metric.self, case .object(let members) = json { return try Metric(json: members, path: path) as! T }
        return try T(from: ValueDecoder(json: json, codingPath: path))
    }

    static func mismatch(_ expected: Any.Type, _ json: JSONValue, _ path: [any CodingKey]) -> DecodingError {
        .typeMismatch(expected, .init(codingPath: path, debugDescription: "expected \(expected), found \(json.kind)"))
    }

    /// A date written as `YYYY-MM-DDTHH:MM:SSZ` (what `JSONEncoder`'s `.iso8601` strategy writes).
    static func date(_ json: JSONValue, path: [any CodingKey]) throws -> Date {
        guard case .string(let text) = json else { throw mismatch(Date.self, json, path) }
        let u = Array(text.utf8)
        func digits(_ range: Range<Int>) -> Int? {
            var value = 0
            for i in range {
                guard u[i] >= 0x30 && u[i] <= 0x39 else { return nil }
                value = value * 10 + Int(u[i] - 0x30)
            }
            return value
        }
        guard u.count == 20, u[4] == 0x2D, u[7] == 0x2D, u[10] == 0x54, u[13] == 0x3A, u[16] == 0x3A, u[19] == 0x5A,
            let year = digits(0..<4), let month = digits(5..<7), let day = digits(8..<10), let hour = digits(11..<13),
            let minute = digits(14..<16), let second = digits(17..<19), (1...12).contains(month), (1...31).contains(day),
            hour < 24, minute < 60, second < 60
        else {
            throw DecodingError.dataCorrupted(.init(codingPath: path, debugDescription: "not a date of the form 2026-12-02T07:57:12Z"))
        }
        // Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146_097 + dayOfEra - 719_468
        return Date(timeIntervalSince1970: TimeInterval(days * 86_400 + hour * 3_600 + minute * 60 + second))
    }

    /// An integer of type `I` from a JSON number, only when exact.
    static func integer<I: FixedWidthInteger>(_ json: JSONValue, path: [any CodingKey]) throws -> I {
        switch json {
        case .integer(let value):
            if let exact = I(exactly: value) { return exact }
        case .number(let value) where abs(value) < 9_007_199_254_740_992:
            if let exact = I(exactly: value) { return exact }
        default: break
        }
        throw mismatch(I.self, json, path)
    }

    static func double(_ json: JSONValue, path: [any CodingKey]) throws -> Double {
        switch json {
        case .number(let value): return value
        case .integer(let value): return Double(value)
        default: throw mismatch(Double.self, json, path)
        }
    }

    static func string(_ json: JSONValue, path: [any CodingKey]) throws -> String {
        guard case .string(let text) = json else { throw mismatch(String.self, json, path) }
        return text
    }

    static func bool(_ json: JSONValue, path: [any CodingKey]) throws -> Bool {
        guard case .bool(let flag) = json else { throw mismatch(Bool.self, json, path) }
        return flag
    }
}

/// A position in the tree, as the `Decodable` conformances see it.
private struct ValueDecoder: Decoder {
    let json: JSONValue
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .object(let members) = json else { throw FastJSONDecoder.mismatch([String: Any].self, json, codingPath) }
        return KeyedDecodingContainer(KeyedContainer<Key>(members: members, codingPath: codingPath))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        switch json {
        case .array(let elements): return UnkeyedContainer(elements: elements, codingPath: codingPath)
        case .numbers(let numbers): return UnkeyedContainer(elements: numbers.map { .number($0) }, codingPath: codingPath)
        default: throw FastJSONDecoder.mismatch([Any].self, json, codingPath)
        }
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { SingleValueContainer(json: json, codingPath: codingPath) }
}

private struct IndexKey: CodingKey {
    var intValue: Int?
    var stringValue: String { "\(intValue ?? 0)" }
    init(_ index: Int) { intValue = index }
    init?(stringValue: String) { nil }
    init?(intValue: Int) { self.intValue = intValue }
}

private struct KeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let members: [(key: String, value: JSONValue)]
    let codingPath: [any CodingKey]

    var allKeys: [Key] {
        var seen = Set<String>()
        return members.compactMap { seen.insert($0.key).inserted ? Key(stringValue: $0.key) : nil }
    }

    func contains(_ key: Key) -> Bool { members.contains { $0.key == key.stringValue } }

    private func member(_ key: Key) throws -> JSONValue {
        guard let found = members.last(where: { $0.key == key.stringValue }) else {
            throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "no value for \(key.stringValue)"))
        }
        return found.value
    }

    func decodeNil(forKey key: Key) throws -> Bool {
        if case .null = try member(key) { return true }
        return false
    }

    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try FastJSONDecoder.bool(member(key), path: codingPath + [key]) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String {
        try FastJSONDecoder.string(member(key), path: codingPath + [key])
    }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double {
        try FastJSONDecoder.double(member(key), path: codingPath + [key])
    }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float {
        Float(try FastJSONDecoder.double(member(key), path: codingPath + [key]))
    }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try FastJSONDecoder.integer(member(key), path: codingPath + [key]) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try FastJSONDecoder.integer(member(key), path: codingPath + [key]) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 {
        try FastJSONDecoder.integer(member(key), path: codingPath + [key])
    }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 {
        try FastJSONDecoder.integer(member(key), path: codingPath + [key])
    }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 {
        try FastJSONDecoder.integer(member(key), path: codingPath + [key])
    }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try FastJSONDecoder.integer(member(key), path: codingPath + [key]) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 {
        try FastJSONDecoder.integer(member(key), path: codingPath + [key])
    }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 {
        try FastJSONDecoder.integer(member(key), path: codingPath + [key])
    }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 {
        try FastJSONDecoder.integer(member(key), path: codingPath + [key])
    }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 {
        try FastJSONDecoder.integer(member(key), path: codingPath + [key])
    }
    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try FastJSONDecoder.value(T.self, from: member(key), path: codingPath + [key])
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        try ValueDecoder(json: member(key), codingPath: codingPath + [key]).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try ValueDecoder(json: member(key), codingPath: codingPath + [key]).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder {
        throw DecodingError.dataCorrupted(.init(codingPath: codingPath, debugDescription: "superDecoder is not supported"))
    }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        throw DecodingError.dataCorrupted(.init(codingPath: codingPath, debugDescription: "superDecoder is not supported"))
    }
}

private struct UnkeyedContainer: UnkeyedDecodingContainer {
    let elements: [JSONValue]
    let codingPath: [any CodingKey]
    var currentIndex = 0

    init(elements: [JSONValue], codingPath: [any CodingKey]) {
        self.elements = elements
        self.codingPath = codingPath
    }

    var count: Int? { elements.count }
    var isAtEnd: Bool { currentIndex >= elements.count }

    private mutating func next() throws -> (JSONValue, [any CodingKey]) {
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(Any.self, .init(codingPath: codingPath, debugDescription: "the array has no more elements"))
        }
        defer { currentIndex += 1 }
        return (elements[currentIndex], codingPath + [IndexKey(currentIndex)])
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd else { return false }
        if case .null = elements[currentIndex] {
            currentIndex += 1
            return true
        }
        return false
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let (json, path) = try next()
        return try FastJSONDecoder.value(T.self, from: json, path: path)
    }

    mutating func decode(_ type: Double.Type) throws -> Double {
        let (json, path) = try next()
        return try FastJSONDecoder.double(json, path: path)
    }

    mutating func decode(_ type: String.Type) throws -> String {
        let (json, path) = try next()
        return try FastJSONDecoder.string(json, path: path)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        let (json, path) = try next()
        return try ValueDecoder(json: json, codingPath: path).container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        let (json, path) = try next()
        return try ValueDecoder(json: json, codingPath: path).unkeyedContainer()
    }

    mutating func superDecoder() throws -> any Decoder {
        throw DecodingError.dataCorrupted(.init(codingPath: codingPath, debugDescription: "superDecoder is not supported"))
    }
}

private struct SingleValueContainer: SingleValueDecodingContainer {
    let json: JSONValue
    let codingPath: [any CodingKey]

    func decodeNil() -> Bool {
        if case .null = json { return true }
        return false
    }
    func decode(_ type: Bool.Type) throws -> Bool { try FastJSONDecoder.bool(json, path: codingPath) }
    func decode(_ type: String.Type) throws -> String { try FastJSONDecoder.string(json, path: codingPath) }
    func decode(_ type: Double.Type) throws -> Double { try FastJSONDecoder.double(json, path: codingPath) }
    func decode(_ type: Float.Type) throws -> Float { Float(try FastJSONDecoder.double(json, path: codingPath)) }
    func decode(_ type: Int.Type) throws -> Int { try FastJSONDecoder.integer(json, path: codingPath) }
    func decode(_ type: Int8.Type) throws -> Int8 { try FastJSONDecoder.integer(json, path: codingPath) }
    func decode(_ type: Int16.Type) throws -> Int16 { try FastJSONDecoder.integer(json, path: codingPath) }
    func decode(_ type: Int32.Type) throws -> Int32 { try FastJSONDecoder.integer(json, path: codingPath) }
    func decode(_ type: Int64.Type) throws -> Int64 { try FastJSONDecoder.integer(json, path: codingPath) }
    func decode(_ type: UInt.Type) throws -> UInt { try FastJSONDecoder.integer(json, path: codingPath) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try FastJSONDecoder.integer(json, path: codingPath) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try FastJSONDecoder.integer(json, path: codingPath) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try FastJSONDecoder.integer(json, path: codingPath) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try FastJSONDecoder.integer(json, path: codingPath) }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try FastJSONDecoder.value(T.self, from: json, path: codingPath) }
}
