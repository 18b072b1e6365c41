import CKaelixSupport
import Foundation
import Glibc
import PerfgateCore

/// Reads the machine fingerprint from the kernel: CPU model, cores, memory, kernel, architecture
/// and the file system type of the directory the benchmarks write to.
public enum MachineProbe {
    public static func fingerprint(directory: String, profile: String? = nil) -> MachineFingerprint {
        var name = utsname()
        uname(&name)
        func field<T>(_ value: T) -> String {
            withUnsafeBytes(of: value) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        }
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let model =
            cpuinfo.split(separator: "\n").first { $0.hasPrefix("model name") }
            .map { String($0.split(separator: ":", maxSplits: 1).last ?? "").trimmingCharacters(in: .whitespaces) } ?? "unknown"
        let meminfo = (try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8)) ?? ""
        let memoryKB =
            meminfo.split(separator: "\n").first { $0.hasPrefix("MemTotal") }
            .flatMap { UInt64($0.split(separator: " ").dropFirst().first ?? "") } ?? 0
        return MachineFingerprint(
            cpuModel: model, cores: Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))),
            memoryBytes: memoryKB * 1024, kernel: field(name.release), architecture: field(name.machine),
            filesystem: filesystemType(of: directory), profile: profile)
    }

    /// The file system type of `path` (its nearest existing ancestor), by statfs magic number.
    public static func filesystemType(of path: String) -> String {
        var candidate = path
        while !FileManager.default.fileExists(atPath: candidate) && candidate != "/" {
            candidate = (candidate as NSString).deletingLastPathComponent
            if candidate.isEmpty { candidate = "." }
        }
        let magic = kaelix_filesystem_magic(candidate)
        guard magic >= 0 else { return "unknown" }
        switch UInt64(magic) {
        case 0xEF53: return "ext4"
        case 0x5846_5342: return "xfs"
        case 0x9123_683E: return "btrfs"
        case 0x0102_1994: return "tmpfs"
        case 0x794C_7630: return "overlayfs"
        case 0x2FC1_2FC1: return "zfs"
        case 0x6573_5546: return "fuse"
        case 0x0000_6969: return "nfs"
        case 0xF2F5_2010: return "f2fs"
        default: return "0x" + String(UInt64(magic), radix: 16)
        }
    }

    /// Bytes available to this user at `path` (its nearest existing ancestor).
    public static func freeBytes(at path: String) -> UInt64? {
        var candidate = path
        while !FileManager.default.fileExists(atPath: candidate) && candidate != "/" {
            candidate = (candidate as NSString).deletingLastPathComponent
            if candidate.isEmpty { candidate = "." }
        }
        var info = statvfs()
        guard statvfs(candidate, &info) == 0 else { return nil }
        return UInt64(info.f_bavail) * UInt64(info.f_frsize)
    }
}

/// How this binary was built.
public enum BuildInfo {
    public static var configuration: String {
        #if DEBUG
            return "debug"
        #else
            return "release"
        #endif
    }

    public static var toolchain: String {
        #if swift(>=6.5)
            return "Swift 6.5+"
        #elseif swift(>=6.4)
            return "Swift 6.4"
        #elseif swift(>=6.3)
            return "Swift 6.3"
        #elseif swift(>=6.2)
            return "Swift 6.2"
        #elseif swift(>=6.1)
            return "Swift 6.1"
        #else
            return "Swift 6.0"
        #endif
    }
}
