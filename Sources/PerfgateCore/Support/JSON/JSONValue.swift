import Foundation

/// A parsed JSON document, as ``FastJSONDecoder`` reads it: a tree built in one pass over the
/// bytes, with arrays of plain numbers (a result's samples) stored as `[Double]` directly.
enum JSONValue {
    case null
    case bool(Bool)
    /// A number written without fraction or exponent that fits 64 bits, kept exact.
    case integer(Int64)
    case number(Double)
    case string(String)
    /// An array whose every element is a number (the common case: samples), unboxed.
    case numbers([Double])
    case array([JSONValue])
    /// Members in document order; a key written twice resolves to its last value.
    case object([(key: String, value: JSONValue)])

    /// A short name of the value's type, for error messages.
    var kind: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .integer, .number: return "a number"
        case .string: return "a string"
        case .numbers, .array: return "an array"
        case .object: return "an object"
        }
    }
}

/// Where and why a document is not JSON the fast path accepts (the caller then falls back to
/// Foundation's decoder, which words the error for a person).
struct JSONParseError: Error, Sendable {
    var offset: Int
    var reason: String
}

/// A strict JSON parser (RFC 8259: no comments, no trailing commas, no NaN, valid UTF-8 in
/// strings) over UTF-8 bytes, written for speed on perfgate's documents: numbers with at most 15
/// significant digits and a decimal exponent within ±22 are converted exactly without a library
/// call (Clinger's fast path); others go through the standard library's correctly rounded parser.
struct JSONParser {
    private let bytes: UnsafeRawBufferPointer
    private var index = 0

    private init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    /// The document in `data`.
    /// - Throws: ``JSONParseError`` at the first byte that is not valid JSON.
    static func parse(_ data: Data) throws -> JSONValue {
        try data.withUnsafeBytes { raw in
            var parser = JSONParser(raw)
            let value = try parser.value(depth: 0)
            parser.skipWhitespace()
            guard parser.index == raw.count else { throw parser.error("text after the document") }
            return value
        }
    }

    private func error(_ reason: String) -> JSONParseError { JSONParseError(offset: index, reason: reason) }

    private var current: UInt8? { index < bytes.count ? bytes[index] : nil }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x0A, 0x0D, 0x09: index += 1
            default: return
            }
        }
    }

    private mutating func expect(_ literal: StaticString) throws {
        let count = literal.utf8CodeUnitCount
        guard index + count <= bytes.count else { throw error("truncated literal") }
        for k in 0..<count where bytes[index + k] != literal.utf8Start[k] { throw error("unknown literal") }
        index += count
    }

    private mutating func value(depth: Int) throws -> JSONValue {
        guard depth < 512 else { throw error("nested too deeply") }
        skipWhitespace()
        guard let byte = current else { throw error("unexpected end") }
        switch byte {
        case UInt8(ascii: "{"): return try object(depth: depth)
        case UInt8(ascii: "["): return try array(depth: depth)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"):
            try expect("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try expect("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try expect("null")
            return .null
        default: return try number()
        }
    }

    private mutating func object(depth: Int) throws -> JSONValue {
        index += 1
        var members: [(key: String, value: JSONValue)] = []
        skipWhitespace()
        if current == UInt8(ascii: "}") {
            index += 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard current == UInt8(ascii: "\"") else { throw error("expected a key") }
            let key = try string()
            skipWhitespace()
            guard current == UInt8(ascii: ":") else { throw error("expected ':'") }
            index += 1
            members.append((key, try value(depth: depth + 1)))
            skipWhitespace()
            guard let next = current else { throw error("unexpected end in an object") }
            index += 1
            if next == UInt8(ascii: "}") { return .object(members) }
            guard next == UInt8(ascii: ",") else { throw error("expected ',' or '}'") }
        }
    }

    private mutating func array(depth: Int) throws -> JSONValue {
        index += 1
        skipWhitespace()
        if current == UInt8(ascii: "]") {
            index += 1
            return .numbers([])
        }
        var numbers: [Double] = []
        var values: [JSONValue]?
        while true {
            let element = try value(depth: depth + 1)
            if values == nil {
                switch element {
                case .number(let x): numbers.append(x)
                case .integer(let i): numbers.append(Double(i))
                default:
                    // Not all numbers: box the ones read so far, exactly as they were written.
                    values = try Self.reboxed(numbers, at: index) + [element]
                }
            } else {
                values!.append(element)
            }
            skipWhitespace()
            guard let next = current else { throw error("unexpected end in an array") }
            index += 1
            if next == UInt8(ascii: "]") { return values.map(JSONValue.array) ?? .numbers(numbers) }
            guard next == UInt8(ascii: ",") else { throw error("expected ',' or ']'") }
        }
    }

    /// Numbers read as doubles, boxed again for a mixed array. An integer beyond 2^53 may have
    /// lost digits as a double: such an array is refused here (the caller falls back).
    private static func reboxed(_ numbers: [Double], at offset: Int) throws -> [JSONValue] {
        try numbers.map { x in
            guard x == x.rounded() else { return .number(x) }
            guard abs(x) < 9_007_199_254_740_992 else { throw JSONParseError(offset: offset, reason: "a large integer in a mixed array") }
            return .integer(Int64(x))
        }
    }

    private mutating func string() throws -> String {
        index += 1
        let start = index
        var plain = true
        var ascii = true
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") { break }
            if byte == UInt8(ascii: "\\") {
                plain = false
                index += 2
                continue
            }
            guard byte >= 0x20 else { throw error("a control character in a string") }
            if byte >= 0x80 { ascii = false }
            index += 1
        }
        guard index < bytes.count else { throw error("unterminated string") }
        let raw = UnsafeRawBufferPointer(rebasing: bytes[start..<index])
        index += 1
        if plain {
            // ASCII is valid UTF-8: only other text needs validating (keys and ids are ASCII).
            if ascii { return String(decoding: raw, as: UTF8.self) }
            guard let text = String(validating: raw, as: UTF8.self) else { throw error("invalid UTF-8 in a string") }
            return text
        }
        return try Self.unescape(raw, at: start)
    }

    private static func unescape(_ raw: UnsafeRawBufferPointer, at offset: Int) throws -> String {
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var i = 0
        func hex4(_ at: Int) throws -> UInt32 {
            guard at + 4 <= raw.count else { throw JSONParseError(offset: offset + at, reason: "a short \\u escape") }
            var value: UInt32 = 0
            for k in 0..<4 {
                let c = raw[at + k]
                let digit: UInt8
                switch c {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = c - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = c - UInt8(ascii: "a") + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = c - UInt8(ascii: "A") + 10
                default: throw JSONParseError(offset: offset + at, reason: "a bad \\u escape")
                }
                value = value << 4 | UInt32(digit)
            }
            return value
        }
        while i < raw.count {
            let byte = raw[i]
            guard byte == UInt8(ascii: "\\") else {
                out.append(byte)
                i += 1
                continue
            }
            guard i + 1 < raw.count else { throw JSONParseError(offset: offset + i, reason: "a dangling escape") }
            let code = raw[i + 1]
            i += 2
            switch code {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(code)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hex4(i)
                i += 4
                if (0xD800..<0xDC00).contains(scalar) {
                    guard i + 6 <= raw.count, raw[i] == UInt8(ascii: "\\"), raw[i + 1] == UInt8(ascii: "u") else {
                        throw JSONParseError(offset: offset + i, reason: "a lone surrogate")
                    }
                    let low = try hex4(i + 2)
                    guard (0xDC00..<0xE000).contains(low) else { throw JSONParseError(offset: offset + i, reason: "a lone surrogate") }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    i += 6
                }
                guard let unicode = Unicode.Scalar(scalar) else { throw JSONParseError(offset: offset + i, reason: "a lone surrogate") }
                out.append(contentsOf: Array(String(Character(unicode)).utf8))
            default: throw JSONParseError(offset: offset + i, reason: "an unknown escape")
            }
        }
        guard let text = String(validating: out, as: UTF8.self) else { throw JSONParseError(offset: offset, reason: "invalid UTF-8") }
        return text
    }

    private static let powersOfTen: [Double] = (0...22).map { pow(10, Double($0)) }

    private mutating func number() throws -> JSONValue {
        let start = index
        var negative = false
        if current == UInt8(ascii: "-") {
            negative = true
            index += 1
        }
        var mantissa: UInt64 = 0
        var digits = 0
        var exponent = 0
        var integral = true
        guard let first = current, first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9") else { throw error("expected a value") }
        if first == UInt8(ascii: "0") {
            index += 1
            if let next = current, next >= UInt8(ascii: "0") && next <= UInt8(ascii: "9") { throw error("a leading zero") }
        } else {
            while let c = current, c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") {
                if digits < 19 {
                    mantissa = mantissa * 10 + UInt64(c - UInt8(ascii: "0"))
                    digits += 1
                } else {
                    exponent += 1
                    digits += 1
                }
                index += 1
            }
        }
        if current == UInt8(ascii: ".") {
            integral = false
            index += 1
            var fractionDigits = 0
            while let c = current, c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") {
                if digits < 19 {
                    if mantissa != 0 || c != UInt8(ascii: "0") { digits += 1 }
                    mantissa = mantissa * 10 + UInt64(c - UInt8(ascii: "0"))
                    exponent -= 1
                }
                fractionDigits += 1
                index += 1
            }
            guard fractionDigits > 0 else { throw error("a number ending in '.'") }
        }
        if let c = current, c == UInt8(ascii: "e") || c == UInt8(ascii: "E") {
            integral = false
            index += 1
            var exponentNegative = false
            if let sign = current, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
                exponentNegative = sign == UInt8(ascii: "-")
                index += 1
            }
            var value = 0
            var exponentDigits = 0
            while let d = current, d >= UInt8(ascii: "0") && d <= UInt8(ascii: "9") {
                value = min(value * 10 + Int(d - UInt8(ascii: "0")), 100_000)
                exponentDigits += 1
                index += 1
            }
            guard exponentDigits > 0 else { throw error("an exponent without digits") }
            exponent += exponentNegative ? -value : value
        }
        if integral && negative && mantissa == 0 { return .number(-0.0) }
        if integral && digits <= 18 {
            let magnitude = Int64(mantissa)
            return .integer(negative ? -magnitude : magnitude)
        }
        var result: Double
        if digits <= 15 && abs(exponent) <= 22 {
            result = Double(mantissa)
            result = exponent >= 0 ? result * Self.powersOfTen[exponent] : result / Self.powersOfTen[-exponent]
            if negative { result = -result }
        } else {
            let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
            guard let parsed = Double(text) else { throw JSONParseError(offset: start, reason: "an unreadable number") }
            result = parsed
        }
        guard result.isFinite else { throw JSONParseError(offset: start, reason: "a number out of range") }
        return .number(result)
    }
}
