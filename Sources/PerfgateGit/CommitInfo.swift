/// A commit's identity as perfgate records it.
public struct CommitInfo: Sendable, Equatable {
    public var id: String
    public var parents: [String]
    /// Commit time, seconds since the Unix epoch.
    public var time: Int64
    /// First line of the message.
    public var summary: String
}

/// Who a run is: the commit measured, its branch, and whether the work tree differs from it.
public struct RunIdentity: Sendable, Equatable {
    public var commit: CommitInfo
    /// Branch name, or nil for a detached HEAD.
    public var branch: String?
    /// Uncommitted changes to tracked files.
    public var dirty: Bool
    public var isShallow: Bool
}
