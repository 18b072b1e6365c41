import Glibc
import KaelixWAL

/// What this machine can do for the same bytes without the WAL, measured in the same run, so every
/// WAL figure can also be read as a ratio to the machine's own floor. They run no WAL code, so
/// they are the gate's controls (tag `role: control`): when they move, the machine moved.
enum ReferenceBenchmarks {
    /// `raw.cpu/splitmix`: a fixed number of SplitMix64 steps, no memory traffic and no system
    /// calls: the pure-CPU control, which says whether the processor itself was slower.
    static func cpu() -> BenchmarkDefinition {
        BenchmarkDefinition("raw.cpu/splitmix", tags: ["family": "reference", "role": "control", "operations": "4000000"]) { context in
            let steps = 4_000_000
            var state = context.seed
            var sink: UInt64 = 0
            let elapsed = context.time {
                for _ in 0..<steps {
                    state &+= 0x9E37_79B9_7F4A_7C15
                    var z = state
                    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
                    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
                    sink ^= z ^ (z >> 31)
                }
            }
            precondition(sink != 1)
            return (steps, rateValues(messages: steps, bytes: steps * 8, nanoseconds: elapsed))
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

    /// `raw.write.batch/64B/batch=10000`: memcpy each message into a buffer, CRC32C the buffer, one
    /// pwrite per batch: the floor of `wal.append.batch/64B/batch=10000`.
    static func batch(size: Int, batch: Int) -> BenchmarkDefinition {
        BenchmarkDefinition(
            "raw.write.batch/\(sizeLabel(size))/batch=\(batch)",
            tags: ["family": "reference", "role": "control", "size": "\(size)", "batch": "\(batch)"]
        ) { context in
            let total = AppendBenchmarks.messages(context, size: size, batch: batch)
            let fd = try scratchFile(context, bytes: total * size + (1 << 20), zeroFill: false)
            defer { close(fd) }
            let message = [UInt8](repeating: 0x5A, count: size)
            let buffer = UnsafeMutableRawPointer.allocate(byteCount: batch * size, alignment: 16)
            defer { buffer.deallocate() }
            var offset = 0
            var crc: UInt32 = 0
            let elapsed = context.time {
                for _ in 0..<(total / batch) {
                    message.withUnsafeBytes { source in
                        for i in 0..<batch { (buffer + i * size).copyMemory(from: source.baseAddress!, byteCount: size) }
                    }
                    crc ^= CRC32C.checksum(UnsafeRawBufferPointer(start: buffer, count: batch * size))
                    _ = pwrite(fd, buffer, batch * size, off_t(offset))
                    offset += batch * size
                }
            }
            precondition(crc != 1)
            return (total, rateValues(messages: total, bytes: total * size, nanoseconds: elapsed))
        }
    }

    /// `raw.write.single/64B` (pwrite) and `raw.sync.single/64B` (pwrite + fdatasync on a
    /// zero-filled file): floors of the single-append latencies of the unsynced and synced tiers.
    static func single(size: Int, sync: Bool) -> BenchmarkDefinition {
        let name = sync ? "raw.sync.single" : "raw.write.single"
        return BenchmarkDefinition(
            "\(name)/\(sizeLabel(size))",
            tags: ["family": "reference", "role": "control", "size": "\(size)", "sync": sync ? "fdatasync" : "none"]
        ) { context in
            let operations = sync ? context.scenario.syncedOperations : max(500, min(20_000, context.scenario.volumeBytes / size))
            let fd = try scratchFile(context, bytes: operations * size + 4096, zeroFill: sync)
            defer { close(fd) }
            let message = [UInt8](repeating: 0xA5, count: size)
            var latencies = LatencyRecorder()
            let started = nowNanos()
            message.withUnsafeBytes { source in
                for i in 0..<operations {
                    latencies.record(
                        context.time {
                            _ = pwrite(fd, source.baseAddress, size, off_t(i * size))
                            if sync { fdatasync(fd) }
                        })
                }
            }
            let elapsed = nowNanos() - started
            return (operations, latencies.values + rateValues(messages: operations, bytes: operations * size, nanoseconds: elapsed))
        }
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
            block.withUnsafeBytes { source in
                for i in 0..<operations {
                    latencies.record(
                        context.time {
                            _ = pwrite(fd, source.baseAddress, 4096, off_t(i * 4096))
                            fdatasync(fd)
                        })
                }
            }
            return (operations, latencies.values)
        }
    }
}
