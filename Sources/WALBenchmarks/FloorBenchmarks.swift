import CKaelixSupport
import Glibc
import KaelixWAL
import PerfgateSupport

/// The machine's floor under each WAL figure, measured in the same run: the WAL's work done in
/// straight C (`Sources/CKaelixSupport/floor.c`) — the WAL's data-frame layout and CRC32C, one
/// `pwrite` per frame into a preallocated file, reads straight out of a mapping — so that every WAL
/// figure can be read as a ratio to what this disk and processor allow minutes apart. They run no
/// WAL code, so they are controls (tag `role: control`) too.
enum FloorBenchmarks {
    /// `floor.write.batch/<size>/batch=<n>` (no sync) and `floor.sync.batch/…` (fdatasync after
    /// every frame): the floors of `wal.append.batch` and of a batch acknowledged durable.
    static func batch(size: Int, batch: Int, sync: Bool) -> BenchmarkDefinition {
        BenchmarkDefinition(
            "\(sync ? "floor.sync.batch" : "floor.write.batch")/\(sizeLabel(size))/batch=\(batch)",
            tags: [
                "family": "floor", "role": "control", "size": "\(size)", "batch": "\(batch)", "sync": sync ? "fdatasync" : "none",
            ]
        ) { context in
            let total =
                sync
                ? AppendBenchmarks.syncedMessages(context, size: size, batch: batch)
                : AppendBenchmarks.messages(context, size: size, batch: batch)
            let frameBytes = kaelix_floor_frame_size(size, batch)
            let batches = total / batch
            // Synced batches go into zero-filled space, as the WAL's default preallocation does (an
            // fdatasync into fallocate'd space also writes the extent conversion).
            let fd = try ReferenceBenchmarks.scratchFile(context, bytes: batches * frameBytes + (1 << 20), zeroFill: sync)
            defer { close(fd) }
            let message = [UInt8](repeating: 0x5A, count: size)
            let frame = UnsafeMutableRawPointer.allocate(byteCount: frameBytes, alignment: 64)
            defer { frame.deallocate() }
            var written: Int64 = 0
            let phase = MeasuredPhase.start()
            let elapsed = context.time {
                written = message.withUnsafeBytes {
                    kaelix_floor_write_batches(fd, 0, $0.baseAddress, size, batch, batches, frame, sync ? 1 : 0)
                }
            }
            let cost = phase.stop()
            guard written >= 0 else { throw BenchmarkFailure("floor write failed: errno \(-written)") }
            return (total, rateValues(messages: total, bytes: total * size, nanoseconds: elapsed) + cost.values(operations: total))
        }
    }

    /// `floor.write.single/<size>` and `floor.sync.single/<size>`: one record laid out,
    /// checksummed and written per operation (and fdatasync'ed, into a zero-filled file), timed in
    /// C: the floors of `wal.append.single/<size>/sync=none` and `…/sync=every`.
    static func single(size: Int, sync: Bool) -> BenchmarkDefinition {
        BenchmarkDefinition(
            "\(sync ? "floor.sync.single" : "floor.write.single")/\(sizeLabel(size))",
            tags: ["family": "floor", "role": "control", "size": "\(size)", "sync": sync ? "fdatasync" : "none"]
        ) { context in
            let operations = sync ? context.scenario.syncedOperations : max(500, min(20_000, context.scenario.volumeBytes / size))
            let frameBytes = kaelix_floor_frame_size(size, 1)
            let fd = try ReferenceBenchmarks.scratchFile(context, bytes: operations * frameBytes + 4096, zeroFill: sync)
            defer { close(fd) }
            let message = [UInt8](repeating: 0xA5, count: size)
            let frame = UnsafeMutableRawPointer.allocate(byteCount: frameBytes, alignment: 64)
            defer { frame.deallocate() }
            var nanoseconds = [UInt64](repeating: 0, count: operations)
            let phase = MeasuredPhase.start()
            let status = message.withUnsafeBytes { source in
                nanoseconds.withUnsafeMutableBufferPointer {
                    kaelix_floor_write_singles(fd, source.baseAddress, size, operations, sync ? 1 : 0, frame, $0.baseAddress)
                }
            }
            let elapsed = phase.stop()
            guard status == 0 else { throw BenchmarkFailure("floor write failed: errno \(status)") }
            return (operations, values(of: nanoseconds, size: size, elapsed: elapsed))
        }
    }

    /// `floor.sync.group/writers=<n>/64B`: `writers` threads appending 64-byte records through the
    /// plainest sound group commit, in C (one mutex, one condition variable; a waiting writer leads
    /// one pwrite + fdatasync of everything pending): the floor of
    /// `wal.append.concurrent/writers=<n>/64B/sync=group`, with the same appends per writer. It is
    /// also the control that feels what the WAL's concurrent benchmarks feel and the single-threaded
    /// controls miss: threads that wake one another on a busy core, and fsyncs queued behind
    /// someone else's writes.
    static func groupCommit(writers: Int) -> BenchmarkDefinition {
        BenchmarkDefinition(
            "floor.sync.group/writers=\(writers)/64B",
            tags: ["family": "floor", "role": "control", "writers": "\(writers)", "size": "64", "sync": "fdatasync"]
        ) { context in
            let perWriter = AppendBenchmarks.concurrentAppendsPerWriter(context, writers: writers)
            let total = perWriter * writers
            let fd = try ReferenceBenchmarks.scratchFile(
                context, bytes: total * kaelix_floor_frame_size(64, 1) + (1 << 20), zeroFill: true)
            defer { close(fd) }
            let message = [UInt8](repeating: 0x33, count: 64)
            var nanoseconds = [UInt64](repeating: 0, count: total)
            var syncs: UInt64 = 0
            let phase = MeasuredPhase.start()
            let status = message.withUnsafeBytes { source in
                nanoseconds.withUnsafeMutableBufferPointer {
                    kaelix_floor_group_commit(fd, source.baseAddress, 64, writers, perWriter, $0.baseAddress, &syncs)
                }
            }
            let elapsed = phase.stop()
            guard status == 0 else { throw BenchmarkFailure("floor group commit failed: errno \(status)") }
            let syncsPerMessage = MeasuredValue(MetricSpec.syncsPerMessage.timingDependent, Double(syncs) / Double(total))
            return (total, values(of: nanoseconds, size: 64, elapsed: elapsed) + [syncsPerMessage])
        }
    }

    /// The values of a round whose operations C timed one by one (`nanoseconds`): latency
    /// percentiles, rates over the whole phase, and its processor time per operation.
    static func values(of nanoseconds: [UInt64], size: Int, elapsed: MeasuredPhase.Elapsed) -> [MeasuredValue] {
        var latencies = LatencyRecorder()
        for value in nanoseconds { latencies.record(value) }
        let operations = nanoseconds.count
        return latencies.values + rateValues(messages: operations, bytes: operations * size, nanoseconds: elapsed.wall)
            + elapsed.values(operations: operations)
    }

    /// A file of `count` records of `size` bytes in frames of 1000, mapped and read once (resident).
    struct MappedFrames {
        let base: UnsafeMutableRawPointer
        let length: Int
        let frameBytes: Int
        let perFrame = 1000

        init(_ context: RoundContext, count: Int, size: Int) throws {
            frameBytes = kaelix_floor_frame_size(size, perFrame)
            let frames = (count + perFrame - 1) / perFrame
            length = frames * frameBytes
            let fd = try ReferenceBenchmarks.scratchFile(context, bytes: length, zeroFill: false)
            defer { close(fd) }
            let message = [UInt8](repeating: 0x3C, count: size)
            let frame = UnsafeMutableRawPointer.allocate(byteCount: frameBytes, alignment: 64)
            defer { frame.deallocate() }
            let written = message.withUnsafeBytes { kaelix_floor_write_batches(fd, 0, $0.baseAddress, size, 1000, frames, frame, 0) }
            guard written == Int64(length) else { throw BenchmarkFailure("floor write failed: \(written)") }
            guard let mapped = mmap(nil, length, PROT_READ, MAP_SHARED, fd, 0), mapped != MAP_FAILED else {
                throw BenchmarkFailure("cannot map the floor's file: errno \(errno)")
            }
            base = mapped
            var bytes: UInt64 = 0
            guard kaelix_floor_scan(base, length, 1, &bytes) == Int64(frames * perFrame) else {
                throw BenchmarkFailure("the floor's scan did not read back what it wrote")
            }
        }

        func unmap() { munmap(base, length) }
    }

    /// `floor.scan/<size>`: every frame's CRC32C checked and every record header decoded in a
    /// resident mapping, the floor of recovery's scan; with `verify` false, `floor.walk/<size>`:
    /// the record headers alone, the floor of `wal.replay/<size>` (a replay of checked frames).
    static func scan(size: Int, verify: Bool = true) -> BenchmarkDefinition {
        BenchmarkDefinition(
            "\(verify ? "floor.scan" : "floor.walk")/\(sizeLabel(size))", tags: ["family": "floor", "role": "control", "size": "\(size)"]
        ) { context in
            let count = ReadBenchmarks.recordCount(context, size: size) / 1000 * 1000
            let mapped = try MappedFrames(context, count: count, size: size)
            defer { mapped.unmap() }
            var records: Int64 = 0
            var bytes: UInt64 = 0
            let phase = MeasuredPhase.start()
            let elapsed = context.time { records = kaelix_floor_scan(mapped.base, mapped.length, verify ? 1 : 0, &bytes) }
            let cost = phase.stop()
            guard records == Int64(count) else { throw BenchmarkFailure("the floor's scan saw \(records) of \(count) records") }
            return (count, rateValues(messages: count, bytes: mapped.length, nanoseconds: elapsed) + cost.values(operations: count))
        }
    }

    /// `floor.read.random/<size>`: one record's payload copied out of a resident mapping at a
    /// seeded random position, timed in C: the floor of `wal.read.random/<size>/mmap`.
    static func randomRead(size: Int) -> BenchmarkDefinition {
        BenchmarkDefinition("floor.read.random/\(sizeLabel(size))", tags: ["family": "floor", "role": "control", "size": "\(size)"]) {
            context in
            let count = ReadBenchmarks.recordCount(context, size: size) / 1000 * 1000
            let mapped = try MappedFrames(context, count: count, size: size)
            defer { mapped.unmap() }
            // A record is its stream id (one byte), its length as a varint, its payload.
            let lengthBytes = size < 128 ? 1 : (size < 16_384 ? 2 : 3)
            let stride = 1 + lengthBytes + size
            var rng = SplitMix64(seed: context.seed ^ 0xDEAD)
            let operations = min(count, 100_000)
            let offsets = (0..<operations).map { _ -> UInt64 in
                let index = Int(rng.next() % UInt64(count))
                return UInt64((index / mapped.perFrame) * mapped.frameBytes + 40 + (index % mapped.perFrame) * stride + 1 + lengthBytes)
            }
            var nanoseconds = [UInt64](repeating: 0, count: operations)
            var out = [UInt8](repeating: 0, count: size)
            let phase = MeasuredPhase.start()
            offsets.withUnsafeBufferPointer { offsets in
                nanoseconds.withUnsafeMutableBufferPointer { latencies in
                    out.withUnsafeMutableBytes {
                        kaelix_floor_random_reads(mapped.base, offsets.baseAddress, operations, size, $0.baseAddress, latencies.baseAddress)
                    }
                }
            }
            let elapsed = phase.stop()
            guard out.allSatisfy({ $0 == 0x3C }) else { throw BenchmarkFailure("the floor's read found other bytes") }
            return (operations, values(of: nanoseconds, size: size, elapsed: elapsed))
        }
    }
}
