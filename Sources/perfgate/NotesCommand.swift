import ArgumentParser
import Foundation
import PerfgateCore
import PerfgateGit
import PerfgateSession

struct NotesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notes", abstract: "Share recorded results through the git remote.",
        subcommands: [Sync.self])

    struct Sync: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Fetch the remote's refs/notes/perfgate, merge it with the local one (union of runs), and push.",
            discussion: """
                Concurrent jobs lose nothing: a merge keeps every run of both sides, and a push that \
                lost a race is retried after fetching again. Transport is the git command, so it uses \
                git's configured credentials (on GitHub Actions, the token actions/checkout stores).
                """)

        @Option(help: "The remote to sync with.")
        var remote = "origin"

        @Option(help: ArgumentHelp("How many fetch-merge-push attempts before giving up (1 to 1000).", valueName: "n"))
        var attempts = 10

        func validate() throws {
            guard (1...1000).contains(attempts) else {
                throw ValidationError(
                    "--attempts \(attempts) must be between 1 and 1000; each attempt fetches, merges and pushes once (default 10)")
            }
        }

        func run() throws {
            try withExitCodes {
                let repository = try GitRecording.repository()
                guard let workdir = repository.workdir ?? Optional(repository.gitDirectory) else { return }
                let sync = NotesSync(repositoryPath: workdir, remote: remote, attempts: attempts)
                do {
                    let outcome = try sync.run(key: NoteLine.runID)
                    print(
                        "notes synced with \(remote) in \(outcome.attempts) attempt(s): \(outcome.merge.notesAfter) annotated commits, "
                            + "\(outcome.merge.linesAdded) run(s) merged in")
                } catch {
                    throw PerfgateError(.environment, "\(error)")
                }
            }
        }
    }
}
