import WALBenchmarks

extension BuildInfo {
    /// perfgate's version; the result schema has its own (`ResultFile.currentVersion`).
    static let perfgateVersion = "0.3.0"

    /// `perfgate --version`: the version, the commit it was built from when known, the build
    /// configuration and the toolchain.
    static var versionLine: String {
        let commit = BuildCommit.hash.map { ", commit \($0)" } ?? ""
        return "perfgate \(perfgateVersion)\(commit) (\(configuration) build, \(toolchain))"
    }
}
