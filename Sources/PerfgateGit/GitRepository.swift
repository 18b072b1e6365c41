import CLibgit2
import Foundation

/// An open git repository. Owns its libgit2 handle and frees it on deinit. Not for use from two
/// threads at once (libgit2 objects are not thread-safe); open one per task.
public final class GitRepository {
    let handle: OpaquePointer
    /// The work tree's path (with a trailing slash), nil for a bare repository.
    public let workdir: String?
    /// The `.git` directory.
    public let gitDirectory: String

    private init(handle: OpaquePointer) {
        self.handle = handle
        workdir = git_repository_workdir(handle).map { String(cString: $0) }
        gitDirectory = String(cString: git_repository_path(handle))
    }

    deinit { git_repository_free(handle) }

    /// Opens the repository that contains `path`, searching upwards like git does.
    public static func discover(from path: String = FileManager.default.currentDirectoryPath) throws -> GitRepository {
        LibGit2.ensure()
        var handle: OpaquePointer?
        let code = git_repository_open_ext(&handle, path, 0, nil)
        if code == GIT_ENOTFOUND.rawValue {
            git_error_clear()
            throw GitError(
                operation: "open repository", code: GitError.Code(libgit2: code), message: "\(path) is not inside a git repository",
                hint:
                    "run perfgate inside a clone of the repository; commands that compare files (perfgate compare --baseline "
                    + "FILE --current FILE) need no repository"
            )
        }
        try check(code, "open repository at \(path)")
        return GitRepository(handle: handle!)
    }

    /// Whether this is a shallow clone (history and notes may be missing).
    public var isShallow: Bool { git_repository_is_shallow(handle) == 1 }

    /// Whether the repository has no commits yet.
    public var hasNoCommits: Bool { git_repository_head_unborn(handle) == 1 }

    /// The commit a revision (`HEAD`, `main`, `origin/main~2`, a hex id …) names.
    public func resolve(_ revision: String) throws -> ObjectID {
        var object: OpaquePointer?
        var code = git_revparse_single(&object, handle, revision)
        if code < 0 { throw GitError.last("resolve '\(revision)'", code: code, hint: "check the revision name; fetch it if it is remote") }
        defer { git_object_free(object) }
        var commit: OpaquePointer?
        code = git_object_peel(&commit, object, GIT_OBJECT_COMMIT)
        try check(code, "resolve '\(revision)' to a commit")
        defer { git_object_free(commit) }
        return ObjectID(git_object_id(commit)!)
    }

    /// The commit's id, parents, time and summary.
    public func commit(_ id: ObjectID) throws -> CommitInfo {
        try withCommit(id) { commit in
            var parents: [String] = []
            for index in 0..<git_commit_parentcount(commit) {
                if let parent = git_commit_parent_id(commit, index) { parents.append(ObjectID(parent).hex) }
            }
            let summary = git_commit_summary(commit).map { String(cString: $0) } ?? ""
            return CommitInfo(id: id.hex, parents: parents, time: git_commit_time(commit), summary: summary)
        }
    }

    func withCommit<R>(_ id: ObjectID, _ body: (OpaquePointer) throws -> R) throws -> R {
        var oid = id.raw
        var commit: OpaquePointer?
        try check(git_commit_lookup(&commit, handle, &oid), "look up commit \(id.hex)")
        defer { git_commit_free(commit) }
        return try body(commit!)
    }

    /// HEAD's commit, branch and dirtiness. Throws a clear error in a repository without commits.
    public func identity() throws -> RunIdentity {
        if hasNoCommits {
            throw GitError(
                operation: "read HEAD", code: .unbornBranch, message: "the repository has no commits yet",
                hint: "commit first; results are keyed by commit")
        }
        let head = try resolve("HEAD")
        var branch: String?
        if git_repository_head_detached(handle) != 1 {
            var reference: OpaquePointer?
            if git_repository_head(&reference, handle) == 0, let reference {
                branch = git_reference_shorthand(reference).map { String(cString: $0) }
                git_reference_free(reference)
            } else {
                git_error_clear()
            }
        }
        return RunIdentity(commit: try commit(head), branch: branch, dirty: try isDirty(), isShallow: isShallow)
    }

    /// Whether tracked files differ from HEAD (in the index or the work tree). Untracked files do
    /// not count: results directories and build folders are untracked.
    public func isDirty() throws -> Bool {
        guard workdir != nil else { return false }
        var options = git_status_options()
        try check(git_status_options_init(&options, UInt32(GIT_STATUS_OPTIONS_VERSION)), "initialise status options")
        options.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR
        options.flags = GIT_STATUS_OPT_EXCLUDE_SUBMODULES.rawValue
        var list: OpaquePointer?
        try check(git_status_list_new(&list, handle, &options), "read the work tree status")
        defer { git_status_list_free(list) }
        return git_status_list_entrycount(list) > 0
    }

    /// Up to `limit` commits from `start` along first parents, newest first. A shallow clone's
    /// history ends at its graft; `endReason` then says so.
    public func firstParentHistory(from start: ObjectID, limit: Int) throws -> (commits: [CommitInfo], endReason: String?) {
        var commits: [CommitInfo] = []
        var current: ObjectID? = start
        while let id = current, commits.count < limit {
            let info: CommitInfo
            do {
                info = try commit(id)
            } catch let error as GitError where error.isNotFound && !commits.isEmpty {
                return (
                    commits,
                    "history ends at \(commits.last!.id.prefix(12)): its parent is missing (shallow clone? fetch with fetch-depth: 0)"
                )
            }
            commits.append(info)
            current = info.parents.first.flatMap { ObjectID(hex: $0) }
            if current != nil, isShallow, !objectExists(current!) {
                return (commits, "history ends at \(info.id.prefix(12)): this is a shallow clone (fetch with fetch-depth: 0)")
            }
        }
        return (commits, nil)
    }

    func objectExists(_ id: ObjectID) -> Bool {
        var odb: OpaquePointer?
        guard git_repository_odb(&odb, handle) == 0 else {
            git_error_clear()
            return false
        }
        defer { git_odb_free(odb) }
        var oid = id.raw
        return git_odb_exists(odb, &oid) == 1
    }

    /// The best common ancestor of two commits.
    public func mergeBase(_ a: ObjectID, _ b: ObjectID) throws -> ObjectID {
        var out = git_oid()
        var x = a.raw
        var y = b.raw
        let code = git_merge_base(&out, handle, &x, &y)
        if code < 0 {
            throw GitError.last(
                "find the merge base of \(a.hex.prefix(12)) and \(b.hex.prefix(12))", code: code,
                hint: "fetch full history (fetch-depth: 0) so both commits and their ancestors are present")
        }
        return ObjectID(out)
    }

    /// The contents of `path` in `commit`'s tree, or nil when the file does not exist there.
    /// Baselines and targets are read this way from the base commit, so a PR cannot edit its own gate.
    public func fileContents(_ path: String, at commit: ObjectID) throws -> Data? {
        try withCommit(commit) { commitHandle throws -> Data? in
            var tree: OpaquePointer?
            try check(git_commit_tree(&tree, commitHandle), "read the tree of \(commit.hex.prefix(12))")
            defer { git_tree_free(tree) }
            var entry: OpaquePointer?
            let code = git_tree_entry_bypath(&entry, tree, path)
            if code == GIT_ENOTFOUND.rawValue {
                git_error_clear()
                return nil
            }
            try check(code, "find \(path) in \(commit.hex.prefix(12))")
            defer { git_tree_entry_free(entry) }
            return try readBlob(ObjectID(git_tree_entry_id(entry)!))
        }
    }

    /// The bytes of a blob.
    func readBlob(_ id: ObjectID) throws -> Data {
        var oid = id.raw
        var blob: OpaquePointer?
        try check(git_blob_lookup(&blob, handle, &oid), "read blob \(id.hex.prefix(12))")
        defer { git_blob_free(blob) }
        let size = Int(git_blob_rawsize(blob))
        guard size > 0, let content = git_blob_rawcontent(blob) else { return Data() }
        return Data(bytes: content, count: size)
    }

    /// Writes the tree of `commit` into `directory` (a temporary work tree for building another
    /// revision), without touching this repository's index or work tree: checkout with FORCE and
    /// DONT_UPDATE_INDEX into a target directory (SAFE writes nothing there, FORCE alone clobbers
    /// the index).
    public func exportTree(of commit: ObjectID, to directory: String) throws {
        try withCommit(commit) { commitHandle throws in
            var tree: OpaquePointer?
            try check(git_commit_tree(&tree, commitHandle), "read the tree of \(commit.hex.prefix(12))")
            defer { git_tree_free(tree) }
            var options = git_checkout_options()
            try check(git_checkout_options_init(&options, UInt32(GIT_CHECKOUT_OPTIONS_VERSION)), "initialise checkout options")
            options.checkout_strategy = GIT_CHECKOUT_FORCE.rawValue | GIT_CHECKOUT_DONT_UPDATE_INDEX.rawValue
            let code = directory.withCString { path -> Int32 in
                options.target_directory = path
                return git_checkout_tree(handle, tree, &options)
            }
            try check(code, "write \(commit.hex.prefix(12)) into \(directory)")
        }
    }

    /// The merge base of HEAD with the default branch (origin/HEAD, origin/main, main,
    /// origin/master or master, the first that exists).
    public func mergeBaseWithDefaultBranch() throws -> ObjectID {
        let head = try resolve("HEAD")
        for candidate in ["origin/HEAD", "origin/main", "main", "origin/master", "master"] {
            if let branch = try? resolve(candidate) { return try mergeBase(head, branch) }
        }
        throw GitError(
            operation: "find the default branch", code: .notFound,
            message: "none of origin/HEAD, origin/main, main, origin/master, master exists",
            hint: "pass --against REF explicitly")
    }

    /// Paths that differ between two commits' trees (for "this PR changes its baselines").
    public func changedPaths(from a: ObjectID, to b: ObjectID) throws -> [String] {
        func tree(_ id: ObjectID) throws -> OpaquePointer {
            try withCommit(id) { commit throws -> OpaquePointer in
                var tree: OpaquePointer?
                try check(git_commit_tree(&tree, commit), "read tree of \(id.hex.prefix(12))")
                return tree!
            }
        }
        let old = try tree(a)
        defer { git_tree_free(old) }
        let new = try tree(b)
        defer { git_tree_free(new) }
        var diff: OpaquePointer?
        try check(git_diff_tree_to_tree(&diff, handle, old, new, nil), "diff \(a.hex.prefix(12))..\(b.hex.prefix(12))")
        defer { git_diff_free(diff) }
        var paths: [String] = []
        for index in 0..<git_diff_num_deltas(diff) {
            guard let delta = git_diff_get_delta(diff, index) else { continue }
            if let path = delta.pointee.new_file.path { paths.append(String(cString: path)) }
        }
        return paths
    }

    /// A signature for notes commits: the configured user, else "perfgate".
    func signature() throws -> UnsafeMutablePointer<git_signature> {
        var signature: UnsafeMutablePointer<git_signature>?
        if git_signature_default(&signature, handle) == 0, let signature { return signature }
        git_error_clear()
        try check(git_signature_now(&signature, "perfgate", "perfgate@localhost"), "create a signature")
        return signature!
    }
}
