// swift-format-ignore-file: AmbiguousTrailingClosureOverload

// (time and region have a throwing and a non-throwing overload on purpose: the non-throwing one
// serves closures inside non-throwing contexts, the throwing one rethrows what the body threw.)
import CKaelixSupport
import Foundation
import PerfgateCore
import PerfgateSupport

/// Instructions per message from valgrind's callgrind: a count that does not depend on the
/// machine's load, its clock or its neighbours, so it can be gated exactly like the other
/// counters. One extra child round of the benchmark runs under callgrind on the quick scenario's
/// small fixed workload, counting only inside the measured region (``RoundContext/time(_:)``
/// runs it in `kaelix_measured_region`), with Swift's hashing made deterministic. Where
/// valgrind is missing the metric is unavailable, never 0.
enum InstructionCount {
    /// The metric's name and unit.
    static let spec = MetricSpec("instructions_per_msg", "instructions/msg", .lowerIsBetter, .counter)
    /// Set in the child: route measured regions through `kaelix_measured_region`.
    static let variable = "PERFGATE_COUNT_INSTRUCTIONS"
    /// The benchmarks counted: CPU-bound ones, whose work does not wait on the disk.
    static let tag = "instructions"

    /// valgrind, if installed.
    static var valgrind: String? { ProcessRunner.which("valgrind") }

    /// A copy of `executable` without its debugging sections, which valgrind 3.19 cannot read
    /// (DWARF 5 from Swift's LLVM) while it needs only the symbol table to find the measured region.
    static func binaryForCallgrind(_ executable: String, workDirectory: String) -> String {
        let copy = workDirectory + "/perfgate-callgrind"
        try? FileManager.default.removeItem(atPath: copy)
        guard (try? FileManager.default.copyItem(atPath: executable, toPath: copy)) != nil,
            let stripped = try? ProcessRunner.run("/usr/bin/env", ["strip", "--strip-debug", copy]), stripped.succeeded
        else { return executable }
        return copy
    }

    /// Counts `definition`'s instructions per message in a child of `executable`, or says why not.
    static func measure(_ definition: BenchmarkDefinition, executable: String, workDirectory: String) -> Metric {
        func unavailable(_ reason: String) -> Metric {
            Metric(
                name: spec.name, unit: spec.unit, direction: spec.direction, kind: .counter, samples: [], available: false,
                unavailableReason: reason)
        }
        guard let valgrind else { return unavailable("valgrind is not installed (apt-get install valgrind)") }
        let directory = workDirectory + "/instructions-\(abs(definition.id.hashValue) % 1_000_000)"
        let output = directory + ".callgrind"
        defer {
            try? FileManager.default.removeItem(atPath: directory)
            try? FileManager.default.removeItem(atPath: output)
        }
        var environment = ProcessInfo.processInfo.environment
        environment[variable] = "1"
        environment["SWIFT_DETERMINISTIC_HASHING"] = "1"
        environment[RoundInvocation.slowdownVariable] = ""
        let round = RoundInvocation(benchmark: definition.id, scenario: .quick, directory: directory, seed: 1)
        let arguments =
            [
                "--tool=callgrind", "--callgrind-out-file=\(output)", "--toggle-collect=kaelix_measured_region", "--collect-jumps=no",
                executable,
            ]
            + round.arguments
        guard let outcome = try? ProcessRunner.run(valgrind, arguments, environment: environment), outcome.succeeded else {
            return unavailable("the callgrind run of \(definition.id) failed")
        }
        guard let line = outcome.stdout.split(separator: "\n").last,
            let report = try? JSONDecoder().decode(RoundReport.self, from: Data(line.utf8)), report.operations > 0,
            let instructions = Self.totalInstructions(callgrindOutput: output)
        else {
            return unavailable("callgrind produced no count for \(definition.id)")
        }
        return Metric(
            name: spec.name, unit: spec.unit, direction: spec.direction, kind: .counter,
            samples: [Double(instructions) / Double(report.operations)])
    }

    /// The `summary:` (or `totals:`) instruction count of a callgrind output file.
    static func totalInstructions(callgrindOutput path: String) -> UInt64? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        for prefix in ["summary:", "totals:"] {
            if let line = text.split(separator: "\n").first(where: { $0.hasPrefix(prefix) }),
                let value = line.dropFirst(prefix.count).split(separator: " ").first.flatMap({ UInt64($0) })
            {
                return value
            }
        }
        return nil
    }

    /// Runs `body` inside `kaelix_measured_region`, the function callgrind counts inside.
    static func region(_ body: () -> Void) {
        withoutActuallyEscaping(body) { escapable in
            var box = escapable
            withUnsafeMutablePointer(to: &box) { pointer in
                kaelix_measured_region({ raw in raw!.assumingMemoryBound(to: (() -> Void).self).pointee() }, pointer)
            }
        }
    }

    /// Runs a throwing `body` inside `kaelix_measured_region` and rethrows what it threw.
    static func region(_ body: () throws -> Void) throws {
        var failure: (any Error)?
        region {
            do { try body() } catch { failure = error }
        }
        if let failure { throw failure }
    }
}
