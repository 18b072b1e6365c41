import Glibc
import KaelixWAL

/// Measurements of the machine itself, next to the C floor (``FloorBenchmarks``): the pure-CPU
/// control and the fdatasync cost of the two ways to preallocate a segment. They run no WAL code,
/// so they are the gate's controls (tag `role: control`): when they move, the machine moved.
enum ReferenceBenchmarks {
    /// `raw.cpu/splitmix`: a fixed number of SplitMix64 steps, no memory traffic and no system
    /// calls: the pure-CPU control, which says whether the processor itself was slower.
    static func cpu() -> BenchmarkDefinition {
        BenchmarkDefinition("raw.cpu/splitmix", tags: ["family": "reference", "role": "control", "operations": "4000000"]) { context in
            let steps = 4_000_000
            var state = context.seed
            var sink: UInt64 = 0
            let phase = MeasuredPhase.start()
            let elapsed = context.time {
                for _ in 0..<steps {
                    state &+= 0x9E37_79B9_7F4A_7C15
                    var z = state
                    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
                    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
                    sink ^= z ^ (z >> 31)
                }
            }
            let cost = phase.stop()
            precondition(sink != 1)
            return (steps, rateValues(messages: steps, bytes: steps * 8, nanoseconds: elapsed) + cost.values(operations: steps))
        }
    }

    /// Opens a scratch file and preallocates `bytes` (zero-filled and synced when `zeroFill`).
    static func scratchFile(_ context: RoundContext, bytes: Int, zeroFill: Bool) throws -> Int32 {
        let path = context.path("raw-\(UInt32.random(in: 0...UInt32.max)).dat")
        try PosixFileSystem().createDirectory(context.directory)
        let fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw BenchmarkFailure("cannot create \(path): errno \(errno)") }
        if zeroFill {
            let chunk = [UInt8](repeating: 0, count: 1 << 20)
            var offset = 0
            while offset < bytes {
                let n = min(chunk.count, bytes - offset)
                _ = chunk.withUnsafeBytes { pwrite(fd, $0.baseAddress, n, off_t(offset)) }
                offset += n
            }
            fdatasync(fd)
        } else {
            posix_fallocate(fd, 0, off_t(bytes))
        }
        return fd
    }

    /// `raw.fdatasync/4KB/prealloc=<mode>`: pwrite 4 KB + fdatasync into a file preallocated by
    /// zero-fill or by fallocate; the measurement behind the WAL's default preallocation.
    static func preallocationSync(zeroFill: Bool) -> BenchmarkDefinition {
        let mode = zeroFill ? "zeroFill" : "fallocate"
        return BenchmarkDefinition(
            "raw.fdatasync/4KB/prealloc=\(mode)", tags: ["family": "reference", "role": "control", "preallocation": mode]
        ) { context in
            let operations = context.scenario.syncedOperations
            let fd = try scratchFile(context, bytes: operations * 4096 + 4096, zeroFill: zeroFill)
            defer { close(fd) }
            let block = [UInt8](repeating: 0x77, count: 4096)
            var latencies = LatencyRecorder()
            let phase = MeasuredPhase.start()
            block.withUnsafeBytes { source in
                for i in 0..<operations {
                    latencies.record(
                        context.time {
                            _ = pwrite(fd, source.baseAddress, 4096, off_t(i * 4096))
                            fdatasync(fd)
                        })
                }
            }
            return (operations, latencies.values + phase.stop().values(operations: operations))
        }
    }
}
