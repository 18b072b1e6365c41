import Glibc
import KaelixWAL

/// Reopening after an unclean stop, reported as milliseconds per GB of log.
enum RecoveryBenchmarks {
    /// `wal.recovery/<warm|cold>`: writes the scenario's recovery volume in 1 KB records (128 MB
    /// segments, the WAL default), stops without closing, then times `open`. `cold` first evicts
    /// the segment files from the page cache (posix_fadvise DONTNEED after a sync).
    /// Tagged with the log's size in `bytes` (`volume`, the scenario's recovery volume): targets
    /// per GB are judged only on a log large enough for the figure to mean that.
    static func recovery(cold: Bool, volume: Int) -> BenchmarkDefinition {
        let label = cold ? "cold" : "warm"
        return BenchmarkDefinition("wal.recovery/\(label)", tags: ["family": "recovery", "cache": label, "bytes": "\(volume)"]) {
            context in
            let directory = context.path("wal")
            let bytes = context.scenario.recoveryBytes
            var configuration = WALConfiguration(segmentSize: min(128 << 20, max(4 << 20, bytes / 2)), syncPolicy: .none)
            configuration.preallocation = .fallocate
            configuration.prepareSegmentsInBackground = false
            let log = try WriteAheadLog.open(directory: directory, configuration: configuration)
            let payloads = [[UInt8]](repeating: [UInt8](repeating: 0x42, count: 1024), count: 1000)
            var written = 0
            while written < bytes {
                try log.append(batch: payloads)
                written += 1000 * 1024
            }
            // A torn final write, as a crash mid-write leaves it: one more batch whose sectors past
            // the first 4 KiB never reached the disk (zeros, as in a fresh segment).
            try log.sync()
            try log.append(batch: payloads)
            let (tail, end) = log.tailSegment
            log.abandon()
            let fd = open(tail, O_WRONLY)
            let tornFrom = (end - payloads.count * 1024 / 2) / 512 * 512
            var zeros = [UInt8](repeating: 0, count: max(0, end - tornFrom))
            _ = pwrite(fd, &zeros, zeros.count, off_t(tornFrom))
            close(fd)
            if cold {
                for name in try PosixFileSystem().listDirectory(directory) where name.hasSuffix(".kwal") {
                    let file = open(directory + "/" + name, O_RDONLY)
                    fdatasync(file)
                    posix_fadvise(file, 0, 0, POSIX_FADV_DONTNEED)
                    close(file)
                }
            }
            var recovered: UInt64 = 0
            let phase = MeasuredPhase.start()
            let elapsed = try context.time {
                let reopened = try WriteAheadLog.open(directory: directory, configuration: configuration)
                recovered = reopened.endPosition
                reopened.abandon()
            }
            let cost = phase.stop()
            guard recovered == UInt64(written / 1024) else {
                throw BenchmarkFailure("recovered \(recovered) records, expected \(written / 1024)")
            }
            let msPerGB = Double(elapsed) / 1e6 * Double(1 << 30) / Double(written)
            return (
                1,
                [
                    MeasuredValue(MetricSpec.recovery, msPerGB),
                    MeasuredValue(MetricSpec.openTime, Double(elapsed)),
                ] + cost.values(operations: 1)
            )
        }
    }
}
