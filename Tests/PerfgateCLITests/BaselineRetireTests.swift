import Foundation
import PerfgateCore
import PerfgateSupport
import PerfgateTestSupport
import Testing

/// `perfgate baseline retire`, through the release binary: a benchmark removed from the suite on
/// purpose stops failing the build once it is retired from the baselines, and nothing else moves.
@Suite(.serialized) struct BaselineRetireTests {
    static let kept = "wal.append.single/64B/sync=none"
    static let retired = "raw.write.single/64B"

    /// A result holding `ids`, each with the same ten rounds.
    static func result(_ ids: [String], profile: String = "p") -> ResultFile {
        let rounds = [100, 101, 99, 100.5, 99.5, 100.2, 99.8, 100.1, 99.9, 100.3]
        return ResultFixtures.result(
            Dictionary(
                uniqueKeysWithValues: ids.map { ($0, [Metric(name: "mean", unit: "ns", direction: .lowerIsBetter, samples: rounds)]) }),
            machine: ResultFixtures.machine(profile: profile, cpuModel: "CLI Test CPU"), commit: nil)
    }

    @Test func aRetiredBenchmarkStopsFailingTheBuild() throws {
        let dir = CLITests.repository()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for profile in ["p", "q"] {
            try FileManager.default.createDirectory(atPath: dir + "/baselines/\(profile)", withIntermediateDirectories: true)
            var baseline = Self.result([Self.kept, Self.retired], profile: profile)
            baseline.baselineReason = "measured"
            try baseline.write(to: dir + "/baselines/\(profile)/ci.json")
        }
        try Self.result([Self.kept]).write(to: dir + "/current.json")
        let compare = ["compare", "--baseline", "baselines/p/ci.json", "--current", "current.json"]

        let before = try ReleaseBinary.run(compare, in: dir)
        #expect(before.status == 1, "a baseline benchmark the run left out fails: \(before.stdout)")
        #expect(before.stdout.contains("perfgate baseline retire"), "the advice names the command: \(before.stdout)")

        let unknown = try ReleaseBinary.run(["baseline", "retire", Self.retired, "no.such/benchmark", "--reason", "x"], in: dir)
        BadInputTests.expectBadInput(unknown, "'no.such/benchmark' is in no ci baseline", "p/ci.json", "nothing was changed")
        #expect(try ResultFile.load(path: dir + "/baselines/p/ci.json").benchmark(Self.retired) != nil)

        let retire = try ReleaseBinary.run(["baseline", "retire", Self.retired, "--reason", "replaced by floor.write.single/64B"], in: dir)
        #expect(retire.status == 0, "\(retire.stdout)\(retire.stderr)")
        for profile in ["p", "q"] {
            let baseline = try ResultFile.load(path: dir + "/baselines/\(profile)/ci.json")
            #expect(baseline.benchmarks.map(\.id) == [Self.kept])
            #expect(baseline.baselineReason == "measured; retired \(Self.retired): replaced by floor.write.single/64B")
            #expect(baseline.benchmark(Self.kept)?.metric(named: "mean")?.samples.count == 10)
        }
        let after = try ReleaseBinary.run(compare, in: dir)
        #expect(after.status == 0, "\(after.stdout)\(after.stderr)")
    }
}
