import Glibc

/// The wall-clock and processor time of a round's measured phase, so a round reports what its
/// work cost the machine as well as how long it took.
///
/// Processor time is the whole process's user + system time (`CLOCK_PROCESS_CPUTIME_ID`): the
/// appending threads and the WAL's own background threads (the interval syncer, the segment
/// preparer) alike, which is what a broker pays. Unlike wall time it does not grow while the
/// process waits for the disk or for a core that another process holds, so it is the steadier
/// figure on a shared runner (how much steadier is measured in the README). Read once at the start
/// and once at the end of the phase, never inside a timed operation.
struct MeasuredPhase {
    let wallStart: UInt64
    let cpuStart: UInt64

    /// Starts a phase now.
    static func start() -> MeasuredPhase { MeasuredPhase(wallStart: nowNanos(), cpuStart: processorNanos()) }

    /// The phase, ended now.
    func stop() -> Elapsed { Elapsed(wall: nowNanos() - wallStart, processor: Self.processorNanos() &- cpuStart) }

    /// A finished phase.
    struct Elapsed {
        /// Wall-clock nanoseconds.
        var wall: UInt64
        /// Processor nanoseconds of all the process's threads.
        var processor: UInt64

        /// `cpu_per_op`: processor nanoseconds per operation (message, read, transaction …).
        func values(operations: Int) -> [MeasuredValue] {
            [MeasuredValue(.processorPerOperation, Double(processor) / Double(max(operations, 1)))]
        }
    }

    /// User + system time of all this process's threads so far, in nanoseconds
    /// (`CLOCK_PROCESS_CPUTIME_ID`, the scheduler's own accounting).
    static func processorNanos() -> UInt64 {
        var spec = timespec()
        guard clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &spec) == 0 else { return 0 }
        return UInt64(spec.tv_sec) &* 1_000_000_000 &+ UInt64(spec.tv_nsec)
    }

    /// The most memory this process has held resident (`VmHWM` of /proc/self/status), in bytes:
    /// a round runs in a process of its own, so this is the round's peak. Nil where unreadable.
    static func peakResidentBytes() -> UInt64? {
        guard let file = fopen("/proc/self/status", "r") else { return nil }
        defer { fclose(file) }
        var line = [CChar](repeating: 0, count: 256)
        while fgets(&line, 256, file) != nil {
            let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            guard text.hasPrefix("VmHWM:") else { continue }
            let digits = text.dropFirst(6).filter(\.isNumber)
            return UInt64(digits).map { $0 * 1024 }
        }
        return nil
    }
}
