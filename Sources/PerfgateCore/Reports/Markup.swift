/// Text made safe for XML and HTML — the JUnit report, the HTML pages and their SVG charts — in
/// element content and attribute values alike: the five markup characters become entities, and
/// the control characters XML 1.0 forbids (all below U+0020 but tab and newline) are dropped, so a
/// hostile benchmark name can neither inject markup nor make a file unreadable.
enum Markup {
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for c in text.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default:
                if c.value < 0x20 && c != "\n" && c != "\t" { continue }
                out.unicodeScalars.append(c)
            }
        }
        return out
    }
}
