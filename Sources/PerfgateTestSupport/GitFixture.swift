import Foundation
import PerfgateGit
import PerfgateSupport

/// A real git repository in a temporary directory, driven with the git command (for tests).
public struct GitFixture {
    public let path: String

    /// A fixture over an existing directory (which it does not create).
    public init(existing path: String) { self.path = path }

    public init(_ label: String = "repo") {
        path = NSTemporaryDirectory() + "perfgate-git-\(label)-\(UUID().uuidString.prefix(8))"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// A repository on branch `main` with `commits` commits and a test identity.
    public static func initialised(commits: Int = 3) -> GitFixture {
        let fixture = GitFixture()
        fixture.git("init", "-q", "-b", "main")
        fixture.git("config", "user.email", "test@example.com")
        fixture.git("config", "user.name", "Test")
        for i in 0..<commits { fixture.commit("c\(i)") }
        return fixture
    }

    public func cleanUp() { try? FileManager.default.removeItem(atPath: path) }

    @discardableResult
    public func git(_ arguments: String..., in directory: String? = nil) -> String { gitArgs(arguments, in: directory) }

    @discardableResult
    public func gitArgs(_ arguments: [String], in directory: String? = nil) -> String {
        let outcome = try? ProcessRunner.run("/usr/bin/env", ["git", "-C", directory ?? path] + arguments)
        return ((outcome?.stdout ?? "") + (outcome?.stderr ?? "")).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Writes `message` into `file` and commits it.
    public func commit(_ message: String, file: String = "file.txt") {
        try? (message + "\n").write(toFile: path + "/" + file, atomically: true, encoding: .utf8)
        git("add", file)
        git("commit", "-q", "-m", message)
    }

    public func head() -> ObjectID { ObjectID(hex: git("rev-parse", "HEAD"))! }

    public func repository() throws -> GitRepository { try GitRepository.discover(from: path) }

    /// Loose objects in the repository (counted by file).
    public var looseObjectCount: Int {
        let objects = path + "/.git/objects"
        let directories = (try? FileManager.default.contentsOfDirectory(atPath: objects)) ?? []
        return directories.filter { $0.count == 2 }.reduce(0) { total, dir in
            total + ((try? FileManager.default.contentsOfDirectory(atPath: objects + "/" + dir).count) ?? 0)
        }
    }

}
