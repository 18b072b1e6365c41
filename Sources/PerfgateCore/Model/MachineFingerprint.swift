/// What the results were measured on. Two results are comparable only when their profiles match
/// (unless the user says otherwise), because timings from different machines differ by far more
/// than the regressions the gate looks for.
public struct MachineFingerprint: Codable, Sendable, Equatable {
    public var cpuModel: String
    public var cores: Int
    public var memoryBytes: UInt64
    public var kernel: String
    public var architecture: String
    /// File system type of the directory the benchmarks wrote to (ext4, xfs, tmpfs …).
    public var filesystem: String
    /// The comparison profile: derived from CPU model, architecture and core count unless set.
    public var profile: String

    /// A machine as measured; `profile` defaults to one derived from the CPU model, architecture and cores.
    public init(
        cpuModel: String, cores: Int, memoryBytes: UInt64, kernel: String, architecture: String,
        filesystem: String, profile: String? = nil
    ) {
        self.cpuModel = cpuModel
        self.cores = cores
        self.memoryBytes = memoryBytes
        self.kernel = kernel
        self.architecture = architecture
        self.filesystem = filesystem
        self.profile = profile ?? MachineFingerprint.deriveProfile(cpuModel: cpuModel, architecture: architecture, cores: cores)
    }

    /// `<architecture>-<cpu words>-<cores>c`, lower-case, e.g. `x86_64-amd-epyc-7b13-2c`.
    public static func deriveProfile(cpuModel: String, architecture: String, cores: Int) -> String {
        let noise: Set<String> = ["processor", "cpu", "core", "(r)", "(tm)", "@", "with", "radeon", "graphics"]
        let words = cpuModel.lowercased()
            .replacingOccurrences(of: "(r)", with: " ").replacingOccurrences(of: "(tm)", with: " ")
            .split { !$0.isLetter && !$0.isNumber && $0 != "." }
            .map(String.init)
            .filter { !noise.contains($0) && !$0.hasSuffix("ghz") && !$0.contains("-core") && $0 != "64" }
            .prefix(4)
        let slug = words.isEmpty ? "unknown-cpu" : words.joined(separator: "-")
        return "\(architecture)-\(slug)-\(cores)c"
    }

    /// The fingerprint of a result imported from another harness: nothing is known.
    public static let unknown = MachineFingerprint(
        cpuModel: "unknown", cores: 0, memoryBytes: 0, kernel: "unknown",
        architecture: "unknown", filesystem: "unknown", profile: "unknown")

    public var isUnknown: Bool { profile == "unknown" }
}
