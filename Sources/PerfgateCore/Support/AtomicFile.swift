import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Atomic file replacement: write beside the target, flush, then rename over it, so a reader
/// never sees half a file and a crash leaves either the old or the new content.
public enum AtomicFile {
    /// Writes `data` to a temporary file beside `path`, syncs it and renames it over `path`, so
    /// readers see the old file or the new one, never part of either.
    /// - Throws: ``PerfgateError`` (environment) naming the path.
    public static func write(_ data: Data, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString.prefix(8)).tmp")
            try data.write(to: temporary)
            if let handle = try? FileHandle(forUpdating: temporary) {
                try? handle.synchronize()
                try? handle.close()
            }
            guard rename(temporary.path, url.path) == 0 else {
                let code = errno
                try? FileManager.default.removeItem(at: temporary)
                throw NSError(domain: NSPOSIXErrorDomain, code: Int(code))
            }
        } catch {
            throw PerfgateError(
                .environment,
                "cannot write \(path): \((error as NSError).localizedDescription). "
                    + "Check that the directory exists and is writable, or choose another --output")
        }
    }
}
