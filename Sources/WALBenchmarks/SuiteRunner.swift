import Foundation
import Glibc
import KaelixWAL
import PerfgateCore
import PerfgateSupport

/// Runs the suite: every round of every selected benchmark in a fresh child process, with the
/// rounds of all benchmarks interleaved in a seeded random order, so that each benchmark's samples
/// span the whole run and a slow drift of the machine does not land on one benchmark.
public struct SuiteRunner {
    public struct Options: Sendable {
        public var scenario: Scenario
        /// Shell-style globs (`wal.append.*`); a benchmark runs if it matches any. Empty: all.
        public var filters: [String] = []
        /// Run only this shard's share of the selected benchmarks (``ShardPlan``).
        public var shard: Shard?
        /// Overrides the scenario's rounds.
        public var rounds: Int?
        /// Parent of the temporary WAL directories (removed afterwards).
        public var workDirectory: String
        public var seed: UInt64 = 1
        /// The `perfgate` binary to start for each round.
        public var executable: String
        /// Extra environment for the round processes.
        public var environment: [String: String] = [:]
        /// Also count instructions per message under callgrind for the CPU-bound benchmarks (``InstructionCount``).
        public var countInstructions = false

        public init(scenario: Scenario, workDirectory: String, executable: String) {
            self.scenario = scenario
            self.workDirectory = workDirectory
            self.executable = executable
        }
    }

    /// Progress of a run, for the terminal or the log.
    public struct Progress: Sendable {
        public var completed: Int
        public var total: Int
        public var benchmark: String
        public var elapsedSeconds: Double
        public var estimatedRemainingSeconds: Double
    }

    public let options: Options
    public init(options: Options) { self.options = options }

    /// The benchmarks the options select (the shard's share of those the filters match); an error
    /// when a filter matches nothing.
    public func selectedBenchmarks() throws -> [BenchmarkDefinition] {
        let filtered = try filteredBenchmarks()
        return options.shard.map { ShardPlan.share(of: filtered, shard: $0) } ?? filtered
    }

    /// The benchmarks the filters select, before sharding.
    func filteredBenchmarks() throws -> [BenchmarkDefinition] {
        let all = BenchmarkCatalog.benchmarks(for: options.scenario)
        guard !options.filters.isEmpty else { return all }
        for filter in options.filters where !all.contains(where: { Glob.matches(filter, $0.id) }) {
            throw PerfgateError(
                .usage,
                "--filter '\(filter)' matches no benchmark of the \(options.scenario.rawValue) scenario. "
                    + "List them with `perfgate list --scenario \(options.scenario.rawValue)`")
        }
        return all.filter { definition in options.filters.contains { Glob.matches($0, definition.id) } }
    }

    /// Runs everything and returns the benchmarks with one sample per round.
    public func run(progress: (Progress) -> Void) throws -> [BenchmarkResult] {
        let selected = try selectedBenchmarks()
        let rounds = options.rounds ?? options.scenario.rounds
        guard rounds >= 1 else { throw PerfgateError(.usage, "--rounds must be at least 1") }
        try checkFreeSpace(selected)
        var generator = SplitMix64(seed: options.seed)
        var schedule: [(round: Int, definition: BenchmarkDefinition)] = []
        for round in 0..<rounds {
            for definition in selected.shuffled(using: &generator) { schedule.append((round, definition)) }
        }
        var reports: [String: [RoundReport]] = [:]
        let started = nowNanos()
        for (index, item) in schedule.enumerated() {
            let report = try Self.runRound(
                item.definition, round: item.round, seed: generator.next(), scenario: options.scenario,
                workDirectory: options.workDirectory, executable: options.executable,
                environment: options.environment)
            reports[item.definition.id, default: []].append(report)
            let elapsed = Double(nowNanos() - started) / 1e9
            progress(
                Progress(
                    completed: index + 1, total: schedule.count, benchmark: item.definition.id, elapsedSeconds: elapsed,
                    estimatedRemainingSeconds: elapsed / Double(index + 1) * Double(schedule.count - index - 1)))
        }
        var results = selected.map { definition in Self.aggregate(definition, reports[definition.id] ?? []) }
        if options.countInstructions, selected.contains(where: { $0.tags[InstructionCount.tag] != nil }) {
            let binary = InstructionCount.binaryForCallgrind(options.executable, workDirectory: options.workDirectory)
            for (index, definition) in selected.enumerated() where definition.tags[InstructionCount.tag] != nil {
                results[index].metrics.append(
                    InstructionCount.measure(definition, executable: binary, workDirectory: options.workDirectory))
            }
        }
        return results
    }

    /// Turns the rounds of one benchmark into its metrics (one sample per round).
    static func aggregate(_ definition: BenchmarkDefinition, _ reports: [RoundReport]) -> BenchmarkResult {
        var order: [String] = []
        var byName: [String: Metric] = [:]
        for report in reports {
            for value in report.values {
                if byName[value.name] == nil {
                    order.append(value.name)
                    byName[value.name] = Metric(
                        name: value.name, unit: value.unit, direction: value.direction, kind: value.kind, samples: [])
                }
                if let v = value.value {
                    byName[value.name]!.samples.append(v)
                } else {
                    byName[value.name]!.available = false
                    byName[value.name]!.unavailableReason = value.unavailableReason
                }
            }
        }
        var tags = definition.tags
        if let operations = reports.last?.operations { tags["operations"] = "\(operations)" }
        let metrics = order.map { name -> Metric in
            var metric = byName[name]!
            if !metric.available { metric.samples = [] }
            return metric
        }
        return BenchmarkResult(id: definition.id, tags: tags, metrics: metrics)
    }

    private func checkFreeSpace(_ selected: [BenchmarkDefinition]) throws {
        let needed = UInt64(options.scenario.requiredFreeBytes)
        if let free = MachineProbe.freeBytes(at: options.workDirectory), free < needed {
            throw PerfgateError(
                .environment,
                "the \(options.scenario.rawValue) scenario needs \(needed >> 20) MB free in "
                    + "\(options.workDirectory), which has \(free >> 20) MB. Free space, or pass --dir on a larger file system")
        }
    }

    /// Runs one round in a child process of `executable` and parses its report.
    static func runRound(
        _ definition: BenchmarkDefinition, round: Int, seed: UInt64, scenario: Scenario, workDirectory: String,
        executable: String, environment extra: [String: String]
    ) throws -> RoundReport {
        let directory = workDirectory + "/round-\(round)-\(abs(definition.id.hashValue) % 1_000_000)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var environment = ProcessInfo.processInfo.environment
        environment.merge(extra) { $1 }
        if let spec = environment[RoundInvocation.slowdownVariable] {
            environment[RoundInvocation.slowdownVariable] = Slowdown.childValue(spec, for: definition.id)
        }
        let outcome: ProcessRunner.Outcome
        do {
            outcome = try ProcessRunner.run(
                executable,
                RoundInvocation(
                    benchmark: definition.id, scenario: scenario, directory: directory,
                    seed: seed
                ).arguments,
                environment: environment)
        } catch {
            throw PerfgateError(.environment, "cannot start \(executable) for a round of \(definition.id): \(error)")
        }
        guard outcome.succeeded else {
            throw PerfgateError(
                .environment,
                "round \(round + 1) of \(definition.id) failed in \(executable) "
                    + (outcome.crashed ? "(killed by signal \(outcome.status))" : "(exit \(outcome.status))") + ": "
                    + outcome.stderr.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        let line = outcome.stdout.split(separator: "\n").last.map(String.init) ?? ""
        do {
            return try JSONDecoder().decode(RoundReport.self, from: Data(line.utf8))
        } catch {
            throw PerfgateError(.environment, "round \(round + 1) of \(definition.id) printed no report: \(outcome.stdout)")
        }
    }

    /// Runs one round in this process (the child side) and returns its JSON line.
    public static func runRoundInProcess(
        benchmark id: String, scenario: Scenario, directory: String, seed: UInt64,
        slowdownSpec: String?, countsInstructions: Bool = false
    ) throws -> String {
        guard
            let definition = BenchmarkCatalog.benchmarks(for: scenario).first(where: { $0.id == id })
                ?? BenchmarkCatalog.definition(id: id)
        else {
            throw PerfgateError(.usage, "unknown benchmark '\(id)'. List them with `perfgate list`")
        }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let context = RoundContext(
            directory: directory, scenario: scenario, seed: seed,
            slowdown: Slowdown.parse(slowdownSpec, for: id), countsInstructions: countsInstructions)
        let report = try definition.runRound(context)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(report), as: UTF8.self)
    }
}

/// `PERFGATE_INJECT_SLOWDOWN=GLOB=PERCENT[,GLOB=PERCENT]`: the slowdown for a benchmark id.
public enum Slowdown {
    /// The fraction `spec` slows `id` by (0.1 for `wal.append.*=10`): the first part whose glob
    /// matches the id wins; 0 when none does, or when the spec is absent or empty.
    public static func parse(_ spec: String?, for id: String) -> Double {
        guard let spec, !spec.isEmpty else { return 0 }
        for part in spec.split(separator: ",") {
            // Benchmark ids contain '=' (batch=1000), so the percentage follows the last one.
            guard let separator = part.lastIndex(of: "="),
                let percent = Double(String(part[part.index(after: separator)...].filter { $0 != "%" }))
            else { continue }
            if Glob.matches(String(part[..<separator]), id) { return percent / 100 }
        }
        return 0
    }

    /// What a round of `id` gets in its slowdown variable: the spec when it slows `id`, else
    /// nothing. A round of any other benchmark then runs in the environment a user's round has,
    /// whatever the spec says. With a spec naming another benchmark on the head side only, one
    /// binary on both sides measured `wal.replay/1KB` 6–8 % slower on the head over 160 pairs, and
    /// the spec's content (not its length) was enough: parsing it once went through Foundation's
    /// `replacingOccurrences`, which cost the child about 15 more page faults and 0.5 MB more
    /// memory than an empty or unparsable value (``parse(_:for:)`` no longer does).
    public static func childValue(_ spec: String?, for id: String) -> String {
        parse(spec, for: id) > 0 ? spec ?? "" : ""
    }
}
