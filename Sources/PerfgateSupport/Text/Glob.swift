/// Shell-style glob patterns, as `fnmatch(3)` with no flags reads them: `*` any run of characters,
/// `?` one character, `[abc]`, `[a-z]` and `[!a-z]` (or `[^a-z]`) one character of a set, and `\`
/// escaping the next character. `/` is not special. The one matcher behind `--filter` and the
/// benchmark patterns of `perfgate.json`, so a pattern means the same in both.
public enum Glob {
    /// Whether `text` matches `pattern` as a whole.
    public static func matches(_ pattern: String, _ text: String) -> Bool {
        let p = Array(pattern.unicodeScalars)
        let t = Array(text.unicodeScalars)
        var pi = 0
        var ti = 0
        var starPattern = -1
        var starText = 0
        while ti < t.count {
            if pi < p.count {
                switch p[pi] {
                case "*":
                    starPattern = pi
                    starText = ti
                    pi += 1
                    continue
                case "?":
                    pi += 1
                    ti += 1
                    continue
                case "[":
                    if let (matched, next) = matchSet(p, from: pi, t[ti]) {
                        if matched {
                            pi = next
                            ti += 1
                            continue
                        }
                    } else if t[ti] == "[" {  // an unclosed bracket is an ordinary character
                        pi += 1
                        ti += 1
                        continue
                    }
                case "\\" where pi + 1 < p.count:
                    if p[pi + 1] == t[ti] {
                        pi += 2
                        ti += 1
                        continue
                    }
                default:
                    if p[pi] == t[ti] {
                        pi += 1
                        ti += 1
                        continue
                    }
                }
            }
            // Mismatch: let the last `*` swallow one more character, or fail.
            guard starPattern >= 0 else { return false }
            pi = starPattern + 1
            starText += 1
            ti = starText
        }
        while pi < p.count && p[pi] == "*" { pi += 1 }
        return pi == p.count
    }

    /// Matches `c` against the bracket expression starting at `p[start]` (`[`). Returns whether it
    /// matched and the index after `]`, or nil when the bracket is never closed.
    private static func matchSet(_ p: [Unicode.Scalar], from start: Int, _ c: Unicode.Scalar) -> (Bool, Int)? {
        var i = start + 1
        var negated = false
        if i < p.count && (p[i] == "!" || p[i] == "^") {
            negated = true
            i += 1
        }
        var matched = false
        var first = true
        while i < p.count {
            if p[i] == "]" && !first { return (matched != negated, i + 1) }
            first = false
            var low = p[i]
            if low == "\\" && i + 1 < p.count {
                i += 1
                low = p[i]
            }
            if i + 2 < p.count && p[i + 1] == "-" && p[i + 2] != "]" {
                var high = p[i + 2]
                i += 2
                if high == "\\" && i + 1 < p.count {
                    i += 1
                    high = p[i]
                }
                if low.value <= c.value && c.value <= high.value { matched = true }
            } else if low == c {
                matched = true
            }
            i += 1
        }
        return nil
    }
}
