import Foundation
import PerfgateTestSupport
import Testing

@testable import PerfgateGit

@Suite struct GitStoreTests {
    @Test func identityOfHeadBranchAndDirtiness() throws {
        let fixture = GitFixture.initialised()
        defer { fixture.cleanUp() }
        let repository = try fixture.repository()
        var identity = try repository.identity()
        #expect(identity.commit.id == fixture.head().hex)
        #expect(identity.commit.summary == "c2")
        #expect(identity.commit.parents.count == 1)
        #expect(identity.branch == "main")
        #expect(!identity.dirty)
        // Untracked files do not make a run dirty; a modified tracked file does.
        try "x".write(toFile: fixture.path + "/untracked.json", atomically: true, encoding: .utf8)
        #expect(try !repository.isDirty())
        try "changed".write(toFile: fixture.path + "/file.txt", atomically: true, encoding: .utf8)
        #expect(try repository.isDirty())
        // Detached HEAD has no branch.
        fixture.git("checkout", "-q", "-f", "--detach", "HEAD~1")
        identity = try repository.identity()
        #expect(identity.branch == nil)
        #expect(identity.commit.summary == "c1")
    }

    @Test func edgesGetClearErrors() throws {
        let outside = NSTemporaryDirectory() + "perfgate-nogit-\(UUID().uuidString.prefix(6))"
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: outside) }
        #expect { try GitRepository.discover(from: outside) } throws: { "\($0)".contains("not inside a git repository") }
        let empty = GitFixture.initialised(commits: 0)
        defer { empty.cleanUp() }
        let repository = try empty.repository()
        #expect(repository.hasNoCommits)
        #expect { try repository.identity() } throws: { "\($0)".contains("no commits yet") }
        #expect(try GitNotesStore(repository: repository).allNotes().isEmpty)
        #expect { try repository.resolve("nope") } throws: { "\($0)".contains("nope") }
    }

    @Test func recordReadBackAndGitSeesTheSameNote() throws {
        let fixture = GitFixture.initialised()
        defer { fixture.cleanUp() }
        let store = GitNotesStore(repository: try fixture.repository(), key: runKey)
        let head = fixture.head()
        try store.append(line: "{\"run\":{\"runID\":\"a\"}}", to: head)
        try store.append(line: "{\"run\":{\"runID\":\"b\"}}", to: head)
        try store.append(line: "{\"run\":{\"runID\":\"a\"}}", to: head)  // same run: no change
        #expect(try store.lines(for: head) == ["{\"run\":{\"runID\":\"a\"}}", "{\"run\":{\"runID\":\"b\"}}"])
        #expect(fixture.git("notes", "--ref=perfgate", "show", "HEAD") == "{\"run\":{\"runID\":\"a\"}}\n{\"run\":{\"runID\":\"b\"}}")
        // The tree is fanned out: <2 hex>/<38 hex>.
        let tree = fixture.git("ls-tree", "-r", "--name-only", "refs/notes/perfgate")
        #expect(tree == String(head.hex.prefix(2)) + "/" + String(head.hex.dropFirst(2)))
    }

    @Test func notesWrittenFlatByTheGitCommandAreKeptAndFannedOut() throws {
        let fixture = GitFixture.initialised()
        defer { fixture.cleanUp() }
        fixture.git("notes", "--ref=perfgate", "add", "-m", "foreign line", "HEAD")
        let store = GitNotesStore(repository: try fixture.repository(), key: runKey)
        #expect(try store.lines(for: fixture.head()) == ["foreign line"])
        try store.append(line: "{\"run\":{\"runID\":\"x\"}}", to: fixture.head())
        #expect(try store.lines(for: fixture.head()) == ["foreign line", "{\"run\":{\"runID\":\"x\"}}"])
        #expect(try store.allNotes().count == 1)
    }

    @Test func historyIsFirstParentNewestFirstWithGaps() throws {
        let fixture = GitFixture.initialised(commits: 2)
        defer { fixture.cleanUp() }
        fixture.git("checkout", "-q", "-b", "side")
        fixture.commit("side work", file: "side.txt")
        fixture.git("checkout", "-q", "main")
        fixture.commit("main work")
        fixture.git("merge", "-q", "--no-ff", "-m", "merge side", "side")
        let repository = try fixture.repository()
        let history = try repository.firstParentHistory(from: fixture.head(), limit: 10)
        #expect(history.commits.map(\.summary) == ["merge side", "main work", "c1", "c0"])
        #expect(history.endReason == nil)
        let store = GitNotesStore(repository: repository, key: runKey)
        try store.append(line: "r1", to: ObjectID(hex: history.commits[1].id)!)
        let notes = try store.allNotes()
        #expect(history.commits.map { notes[$0.id] != nil } == [false, true, false, false])
    }

    @Test func twoProcessesRecordingAtOnceLoseNothing() throws {
        let binary = try #require(GitFixture.perfgateBinary, "perfgate must be built next to the tests")
        let fixture = GitFixture.initialised()
        defer { fixture.cleanUp() }
        let commits = fixture.git("rev-list", "HEAD").split(separator: "\n").map(String.init)
        let processes = ["A", "B"].map { tag -> Process in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: binary)
            process.arguments = ["_notes-stress", "--count", "50", "--tag", tag] + commits.flatMap { ["--commit", $0] }
            process.currentDirectoryURL = URL(fileURLWithPath: fixture.path)
            process.standardOutput = FileHandle.nullDevice
            return process
        }
        for process in processes { try process.run() }
        for process in processes { process.waitUntilExit() }
        #expect(processes.allSatisfy { $0.terminationStatus == 0 })
        let store = GitNotesStore(repository: try fixture.repository(), key: runKey)
        var keys = Set<String>()
        for commit in commits { for line in try store.lines(for: ObjectID(hex: commit)!) { keys.insert(runKey(line)) } }
        #expect(keys.count == 100, "all 2 × 50 runs survive concurrent recording")
    }

    @Test func divergedClonesMergeThroughABareRemote() throws {
        let origin = GitFixture.initialised()
        defer { origin.cleanUp() }
        let remote = GitFixture("remote")
        defer { remote.cleanUp() }
        origin.git("clone", "-q", "--bare", origin.path, remote.path + "/r.git", in: "/")
        let a = GitFixture("a")
        let b = GitFixture("b")
        defer {
            a.cleanUp()
            b.cleanUp()
        }
        for clone in [a, b] {
            clone.git("clone", "-q", remote.path + "/r.git", clone.path + "/w", in: "/")
            clone.git("config", "user.email", "t@example.com", in: clone.path + "/w")
            clone.git("config", "user.name", "T", in: clone.path + "/w")
        }
        let head = ObjectID(hex: a.git("rev-parse", "HEAD", in: a.path + "/w"))!
        let parent = ObjectID(hex: a.git("rev-parse", "HEAD~1", in: a.path + "/w"))!
        let storeA = GitNotesStore(repository: try GitRepository.discover(from: a.path + "/w"), key: runKey)
        let storeB = GitNotesStore(repository: try GitRepository.discover(from: b.path + "/w"), key: runKey)
        try storeA.append(line: "{\"runID\":\"a1\"}", to: head)
        try storeA.append(line: "{\"runID\":\"a2\"}", to: parent)
        try storeB.append(line: "{\"runID\":\"b1\"}", to: head)
        try storeB.append(line: "{\"runID\":\"shared\"}", to: head)
        try storeA.append(line: "{\"runID\":\"shared\"}", to: head)
        _ = try NotesSync(repositoryPath: a.path + "/w").run(key: runKey)
        _ = try NotesSync(repositoryPath: b.path + "/w").run(key: runKey)  // fetches A's, merges, pushes
        _ = try NotesSync(repositoryPath: a.path + "/w").run(key: runKey)  // fast-forwards to the merge
        for store in [storeA, storeB] {
            #expect(Set(try store.lines(for: head).map(runKey)) == ["a1", "b1", "shared"])
            #expect(try store.lines(for: parent).map(runKey) == ["a2"])
        }
        #expect(
            a.git("rev-parse", "refs/notes/perfgate", in: a.path + "/w") == b.git("rev-parse", "refs/notes/perfgate", in: b.path + "/w"))
        #expect(
            remote.git("rev-parse", "refs/notes/perfgate", in: remote.path + "/r.git")
                == a.git("rev-parse", "refs/notes/perfgate", in: a.path + "/w"))
    }

    @Test func shallowClonesSayWhereHistoryEnds() throws {
        let origin = GitFixture.initialised(commits: 5)
        defer { origin.cleanUp() }
        try GitNotesStore(repository: try origin.repository(), key: runKey).append(line: "x", to: origin.head())
        let shallow = GitFixture("shallow")
        defer { shallow.cleanUp() }
        origin.git("clone", "-q", "--depth", "2", "file://" + origin.path, shallow.path + "/w", in: "/")
        let repository = try GitRepository.discover(from: shallow.path + "/w")
        #expect(repository.isShallow)
        let history = try repository.firstParentHistory(from: try repository.resolve("HEAD"), limit: 10)
        #expect(history.commits.count == 2)
        #expect(history.endReason?.contains("shallow") == true)
        #expect(try GitNotesStore(repository: repository).allNotes().isEmpty, "a clone does not fetch notes by default")
    }

    /// Recording cost stays flat as notes accumulate: each record writes exactly one blob, one
    /// subtree, one root tree and one commit, whether the ref holds 10 notes or 3 000 (a flat tree
    /// would rewrite all of them). Timing is measured by scripts/notes_scale.sh, not asserted here.
    @Test func recordingWritesAConstantNumberOfObjectsAtScale() throws {
        let fixture = GitFixture.initialised(commits: 1)
        defer { fixture.cleanUp() }
        let repository = try fixture.repository()
        let store = GitNotesStore(repository: repository, key: runKey)
        // 3 000 notes on synthetic commit ids, written in one fan-out commit.
        var notes: [String: ObjectID] = [:]
        let blob = ObjectID(try store.writeBlob("{\"runID\":\"bulk\"}\n"))
        var rng = SystemRandomNumberGenerator()
        while notes.count < 3_000 {
            notes[(0..<40).map { _ in String(rng.next() % 16, radix: 16) }.joined()] = blob
        }
        let tree = try store.writeFanOutTree(notes)
        let tip = try store.commitTree(tree, parents: [], message: "bulk")
        try store.updateRef(to: tip, expecting: nil)
        #expect(try store.allNotes().count == 3_000)
        let before = fixture.looseObjectCount
        try store.append(line: "{\"runID\":\"one\"}", to: fixture.head())
        let after = fixture.looseObjectCount
        #expect(after - before == 4, "blob + subtree + root + commit, independent of the 3 000 notes")
        #expect(try store.lines(for: fixture.head()) == ["{\"runID\":\"one\"}"])
        #expect(try store.allNotes().count == 3_001)
    }
}
