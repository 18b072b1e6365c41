import Foundation
import PerfgateGit

/// A real git repository in a temporary directory, driven with the git command.
struct GitFixture {
    let path: String

    init(_ label: String = "repo") {
        path = NSTemporaryDirectory() + "perfgate-git-\(label)-\(UUID().uuidString.prefix(8))"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    static func initialised(commits: Int = 3) -> GitFixture {
        let fixture = GitFixture()
        fixture.git("init", "-q", "-b", "main")
        fixture.git("config", "user.email", "test@example.com")
        fixture.git("config", "user.name", "Test")
        for i in 0..<commits { fixture.commit("c\(i)") }
        return fixture
    }

    func cleanUp() { try? FileManager.default.removeItem(atPath: path) }

    @discardableResult
    func git(_ arguments: String..., in directory: String? = nil) -> String { gitArgs(arguments, in: directory) }

    @discardableResult
    func gitArgs(_ arguments: [String], in directory: String? = nil) -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "-C", directory ?? path] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try? process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func commit(_ message: String, file: String = "file.txt") {
        try? (message + "\n").write(toFile: path + "/" + file, atomically: true, encoding: .utf8)
        git("add", file)
        git("commit", "-q", "-m", message)
    }

    func head() -> ObjectID { ObjectID(hex: git("rev-parse", "HEAD"))! }

    func repository() throws -> GitRepository { try GitRepository.discover(from: path) }

    /// Loose objects in the repository (counted by file).
    var looseObjectCount: Int {
        let objects = path + "/.git/objects"
        let directories = (try? FileManager.default.contentsOfDirectory(atPath: objects)) ?? []
        return directories.filter { $0.count == 2 }.reduce(0) { total, dir in
            total + ((try? FileManager.default.contentsOfDirectory(atPath: objects + "/" + dir).count) ?? 0)
        }
    }

    /// The perfgate executable built next to the tests.
    static var perfgateBinary: String? {
        let build = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [build, build.deletingLastPathComponent()] {
            let path = candidate.appendingPathComponent("perfgate").path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }
}

/// Run-id key as perfgate uses it (the test target does not import PerfgateCore).
let runKey: @Sendable (String) -> String = { line in
    guard let start = line.range(of: "\"runID\":\""), let end = line[start.upperBound...].firstIndex(of: "\"") else { return line }
    return String(line[start.upperBound..<end])
}
