import Foundation

/// Says precisely why a file is not valid JSON, for the error message: the line and column, the
/// key the bad value belongs to, and what the value is. Foundation only says "Invalid value around
/// character 10" — and nothing about `NaN`, `Infinity` or `1e999`, which benchmark harnesses write
/// when a measurement was not finite.
enum JSONDiagnosis {
    /// A value that JSON (or a 64-bit float) cannot hold.
    struct Problem: Equatable {
        var line: Int
        var column: Int
        /// The nearest key before the value, when there is one.
        var key: String?
        var token: String

        var description: String {
            let place = "line \(line), column \(column)" + (key.map { " (in \"\($0)\")" } ?? "")
            let what: String
            switch token {
            case "NaN", "-NaN": what = "NaN is not a number JSON can hold: a measurement that was not a number"
            case "Infinity", "-Infinity", "inf", "-inf": what = "\(token) is not a number JSON can hold: a measurement that was not finite"
            default:
                what =
                    Double(token).map { $0.isInfinite } == true
                    ? "\(token) is beyond the largest 64-bit float (≈1.8e308): a measurement that was not finite"
                    : "'\(token)' is not a JSON value"
            }
            return "\(place): \(what)"
        }
    }

    /// The first non-JSON value in `data` (bare words other than true/false/null, or numbers too
    /// large for a Double), or nil when none is found.
    static func firstProblem(in data: Data) -> Problem? {
        let bytes = [UInt8](data)
        var line = 1
        var column = 1
        var i = 0
        var lastString: String?
        var lastKey: String?
        func advance(_ count: Int) {
            for _ in 0..<count {
                if bytes[i] == UInt8(ascii: "\n") {
                    line += 1
                    column = 1
                } else {
                    column += 1
                }
                i += 1
            }
        }
        while i < bytes.count {
            let byte = bytes[i]
            switch byte {
            case UInt8(ascii: "\""):
                var j = i + 1
                while j < bytes.count, bytes[j] != UInt8(ascii: "\"") { j += bytes[j] == UInt8(ascii: "\\") ? 2 : 1 }
                lastString = String(decoding: bytes[(i + 1)..<min(j, bytes.count)], as: UTF8.self)
                advance(min(j + 1, bytes.count) - i)
            case UInt8(ascii: ":"):
                lastKey = lastString
                advance(1)
            case UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"):
                var j = i
                while j < bytes.count, !" \t\r\n,]}:".utf8.contains(bytes[j]) { j += 1 }
                let token = String(decoding: bytes[i..<j], as: UTF8.self)
                let isWord = ["true", "false", "null"].contains(token)
                let number = Double(token)
                if !isWord && (number == nil || number!.isInfinite || number!.isNaN || token.first!.isLetter || token.hasPrefix("+")) {
                    return Problem(line: line, column: column, key: lastKey, token: token)
                }
                advance(j - i)
            default:
                advance(1)
            }
        }
        return nil
    }

    /// Describes why `data` did not parse: the first bad value if one is found, else Foundation's
    /// reason with its character offset turned into a line and column.
    static func describe(_ data: Data, error: any Error) -> String {
        if let problem = firstProblem(in: data) { return problem.description }
        let text = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "unreadable"
        if let range = text.range(of: #"character (\d+)"#, options: .regularExpression),
            let offset = Int(text[range].dropFirst("character ".count))
        {
            let prefix = data.prefix(offset)
            let line = prefix.filter { $0 == UInt8(ascii: "\n") }.count + 1
            let column = offset - (prefix.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? 0) + 1
            return "line \(line), column \(column): \(text)"
        }
        return text
    }
}
