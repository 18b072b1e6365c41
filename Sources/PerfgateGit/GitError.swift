import CLibgit2

/// A failed git operation: which one, libgit2's code and message (read right after the call, as
/// `git_error_last` is thread-local and overwritten by the next call), and what to do about it.
public struct GitError: Error, CustomStringConvertible, Sendable, Equatable {
    public var operation: String
    public var code: Int32
    public var message: String
    public var hint: String

    public init(operation: String, code: Int32, message: String, hint: String = "") {
        self.operation = operation
        self.code = code
        self.message = message
        self.hint = hint
    }

    /// Builds the error for `code`, reading and clearing libgit2's last error.
    static func last(_ operation: String, code: Int32, hint: String = "") -> GitError {
        var message = "libgit2 error \(code)"
        if let last = git_error_last(), let text = last.pointee.message {
            message = String(cString: text)
        }
        git_error_clear()
        return GitError(operation: operation, code: code, message: message, hint: hint.isEmpty ? defaultHint(code) : hint)
    }

    static func defaultHint(_ code: Int32) -> String {
        switch code {
        case GIT_ENOTFOUND.rawValue: return "check that the revision or path exists (in a shallow clone, fetch full history)"
        case GIT_ELOCKED.rawValue: return "another git process holds a lock; retry, or remove a stale .lock file"
        case GIT_EMODIFIED.rawValue: return "the ref changed while we updated it; retry"
        case GIT_EUNBORNBRANCH.rawValue: return "the repository has no commits yet; commit first"
        default: return "see the message above"
        }
    }

    public var isNotFound: Bool { code == GIT_ENOTFOUND.rawValue }
    /// A lost compare-and-swap race on a ref: retrying is safe.
    public var isRace: Bool {
        code == GIT_EMODIFIED.rawValue || code == GIT_ELOCKED.rawValue || code == GIT_EEXISTS.rawValue
    }

    public var description: String {
        "git: \(operation) failed: \(message)" + (hint.isEmpty ? "" : " (\(hint))")
    }
}

/// Throws a ``GitError`` for a negative libgit2 return code.
@inline(__always)
func check(_ code: Int32, _ operation: @autoclosure () -> String) throws {
    if code < 0 { throw GitError.last(operation(), code: code) }
}

/// libgit2 initialised once per process, with a tree cache large enough to keep notes trees.
enum LibGit2 {
    private static let initialised: Bool = {
        git_libgit2_init()
        // Notes trees are larger than libgit2's default 4 KB cache limit for trees; without this,
        // every note read re-inflates them (7 ms instead of 0.15 ms per commit at 10k notes).
        _ = perfgate_git_set_cache_object_limit(GIT_OBJECT_TREE, 16 << 20)
        return true
    }()

    static func ensure() { _ = initialised }
}
