import Glibc
import PerfgateSupport
import Testing

/// The one glob matcher agrees with fnmatch(3) (no flags), which the shells' users know.
@Suite struct GlobTests {
    static let patterns = [
        "*", "?", "wal.*", "wal.append.*", "wal.append.single/64B/*", "*64B*", "wal.?ead.*", "wal.[rs]*", "wal.[!a]*", "wal.[^a]*",
        "wal.[a-c]*", "[", "wal.[", "a[]]b", "a[!]]b", "\\*", "a\\?b", "*/sync=[gn]*", "**", "*.*.*", "x[0-9][0-9]", "[a-]x", "[]-a]*",
    ]
    static let texts = [
        "", "w", "wal.append.single/64B/sync=group", "wal.read.random/64B/mmap", "wal.streams.inactive", "wal.[", "a]b", "abb", "*",
        "a?b", "axb", "x42", "x4", "-x", "ax", "]", "wal.batch", "raw.write.batch/64B/batch=10000",
    ]

    @Test func agreesWithFnmatch() {
        for pattern in Self.patterns {
            for text in Self.texts {
                let expected = fnmatch(pattern, text, 0) == 0
                #expect(Glob.matches(pattern, text) == expected, "pattern \(pattern) on \(text): fnmatch says \(expected)")
            }
        }
    }
}
