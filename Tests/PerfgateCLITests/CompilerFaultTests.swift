import Foundation
import PerfgateSupport
import Testing

/// The optimizer fault that crashed the release binary on every foreign result file (issue 12):
/// the reduced reproduction must run correctly when compiled with the settings every target of
/// this package uses, and every Swift target must use them.
@Suite struct CompilerFaultTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path
    static let reducer = root + "/scripts/compiler-faults/owned-to-guaranteed.swift"

    /// Compiles the reducer with `swiftc -O` plus `flags` and returns what it prints.
    static func compileAndRun(_ flags: [String]) throws -> String {
        let binary = NSTemporaryDirectory() + "perfgate-fso-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: binary) }
        let compile = try ProcessRunner.run("/usr/bin/env", ["swiftc", "-O"] + flags + [reducer, "-o", binary])
        guard compile.status == 0 else {
            Issue.record("swiftc failed: \(compile.stderr)")
            return ""
        }
        return try ProcessRunner.run(binary, []).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func theReducerRunsCorrectlyWithThePackageSettings() throws {
        #expect(try Self.compileAndRun(["-Xllvm", "-sil-fso-disable-owned-to-guaranteed"]) == "ok 1")
        // Without the setting, Swift 6.3.1 prints "threw: badInput". A later compiler may have fixed
        // it; the test does not depend on the fault still being there.
        let plain = try Self.compileAndRun([])
        #expect(plain == "ok 1" || plain.hasPrefix("threw"), "unexpected output: \(plain)")
    }

    @Test func everySwiftTargetIsBuiltWithTheSetting() throws {
        // A scratch path of its own: `swift test` holds the lock of .build while the tests run.
        let scratch = NSTemporaryDirectory() + "perfgate-dump-\(UUID().uuidString.prefix(8))"
        let dump = try ProcessRunner.run("/usr/bin/env", ["swift", "package", "--scratch-path", scratch, "dump-package"], in: Self.root)
        #expect(dump.status == 0, "\(dump.stderr)")
        let manifest = try #require(try JSONSerialization.jsonObject(with: Data(dump.stdout.utf8)) as? [String: Any])
        let targets = try #require(manifest["targets"] as? [[String: Any]])
        var checked = 0
        for target in targets where target["type"] as? String != "system" {
            let name = target["name"] as! String
            let folder = (target["type"] as? String == "test" ? "/Tests/" : "/Sources/") + name
            let files = (try? FileManager.default.subpathsOfDirectory(atPath: Self.root + folder)) ?? []
            guard files.contains(where: { $0.hasSuffix(".swift") }) else { continue }
            let settings = (target["settings"] as? [[String: Any]]) ?? []
            let flags = settings.compactMap { (($0["kind"] as? [String: Any])?["unsafeFlags"] as? [String: Any])?["_0"] as? [String] }
            #expect(flags.contains(["-Xllvm", "-sil-fso-disable-owned-to-guaranteed"]), "target \(name) lacks the setting")
            checked += 1
        }
        #expect(checked >= 10)
    }
}
