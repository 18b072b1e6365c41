/// One share of a run split across CI runners: shard `index` of `count` (1-based), and the
/// group that names the whole run, so that a commit's shards from one workflow run are joined
/// and never mixed with another run's. `perfgate run --shard 2/3` records one; readers join a
/// complete group into one run (``ResultFile/joining(_:)``) and refuse an incomplete one.
public struct Shard: Codable, Sendable, Equatable, Hashable {
    public var index: Int
    public var count: Int
    /// The run the shards belong to (on GitHub Actions: the workflow run id and attempt).
    public var group: String

    /// Shard `index` of `count` in `group`.
    public init(index: Int, count: Int, group: String) {
        self.index = index
        self.count = count
        self.group = group
    }

    /// Parses `i/N` (1 ≤ i ≤ N ≤ 64).
    /// - Throws: ``PerfgateError`` (usage) naming the flag and the form it needs.
    public static func parse(_ text: String, group: String, flag: String = "--shard") throws -> Shard {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]), count >= 1, count <= 64, index >= 1, index <= count
        else {
            throw PerfgateError(
                .usage, "\(flag) '\(text)' is not a shard: write i/N with 1 ≤ i ≤ N ≤ 64, e.g. \(flag) 2/3 for the second of three")
        }
        return Shard(index: index, count: count, group: group)
    }

    /// `2/3`.
    public var label: String { "\(index)/\(count)" }
}
