import Foundation
import PackagePlugin

/// Writes `BuildCommit.swift` (the commit the package is built from, `-dirty` with uncommitted
/// changes, nil outside git) before every build, so `perfgate --version` names it. A tree exported
/// without `.git` (the base revision `compare --against` builds under `.perfgate/ab/`) names its
/// commit in `.perfgate-build-commit`; without it, git would find the enclosing clone and the base
/// binary would claim the work tree's commit. The file is
/// rewritten only when its text changes, so an unchanged commit costs no recompilation.
@main
struct BuildCommitPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let output = context.pluginWorkDirectoryURL.appending(path: "generated")
        let script = """
            root="$1"; out="$2"; mkdir -p "$out"
            value=nil
            if [ -f "$root/.perfgate-build-commit" ]; then
                value="\\"$(head -c 12 "$root/.perfgate-build-commit")\\""
            elif commit=$(git -C "$root" rev-parse --short=12 HEAD 2>/dev/null); then
                if [ -n "$(git -C "$root" status --porcelain --untracked-files=no 2>/dev/null | head -1)" ]; then commit="$commit-dirty"; fi
                value="\\"$commit\\""
            fi
            text="/// The commit this binary was built from (written by BuildCommitPlugin).
            enum BuildCommit { static let hash: String? = $value }"
            if [ "$(cat "$out/BuildCommit.swift" 2>/dev/null)" != "$text" ]; then printf '%s\\n' "$text" > "$out/BuildCommit.swift"; fi
            """
        return [
            .prebuildCommand(
                displayName: "Recording the commit perfgate is built from",
                executable: URL(fileURLWithPath: "/bin/sh"),
                arguments: ["-c", script, "sh", context.package.directoryURL.path, output.path],
                outputFilesDirectory: output)
        ]
    }
}
