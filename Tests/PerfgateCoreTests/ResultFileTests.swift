import Foundation
import PerfgateCore
import PerfgateSupport
import Testing

@Suite struct ResultFileTests {
    static func sample() -> ResultFile {
        let machine = MachineFingerprint(
            cpuModel: "AMD EPYC 7B13 64-Core Processor", cores: 2, memoryBytes: 24 << 30,
            kernel: "6.1", architecture: "x86_64", filesystem: "ext4")
        let run = RunMetadata(
            runID: "run-1", scenario: "ci", commit: String(repeating: "a", count: 40), dirty: false, branch: "main",
            startedAt: Date(timeIntervalSince1970: 1_700_000_000), finishedAt: Date(timeIntervalSince1970: 1_700_000_300),
            toolchain: "Swift 6.3", buildConfiguration: "release", machine: machine, rounds: 3)
        return ResultFile(
            run: run,
            benchmarks: [
                BenchmarkResult(
                    id: "wal.append.single/64B/sync=none", tags: ["size": "64"],
                    metrics: [
                        Metric(name: "p99", unit: "ns", direction: .lowerIsBetter, samples: [1500, 1520, 1490]),
                        Metric(
                            name: "fdatasync_per_msg", unit: "count/msg", direction: .lowerIsBetter, kind: .counter, samples: [0, 0, 0]),
                        Metric(
                            name: "rss", unit: "B", direction: .lowerIsBetter, samples: [], available: false,
                            unavailableReason: "no /proc"),
                    ])
            ], score: PerformanceScore(writeP99Nanoseconds: 1500, peakMessagesPerSecond: 12e6, latencyScore: 10, throughputScore: 8))
    }

    static func write(_ text: String) -> String {
        let path = NSTemporaryDirectory() + "perfgate-\(UUID().uuidString.prefix(8)).json"
        FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
        return path
    }

    @Test func roundTripsThroughAFile() throws {
        let path = NSTemporaryDirectory() + "perfgate-rt-\(UUID().uuidString.prefix(8)).json"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let original = Self.sample()
        try original.write(to: path)
        #expect(try ResultFile.load(path: path) == original)
        // The compact form (git notes) is one line and decodes the same.
        let compact = try original.encoded(compact: true)
        #expect(!compact.contains(UInt8(ascii: "\n")))
        #expect(try ResultFile.decode(compact, source: "note") == original)
    }

    @Test func profileIsDerivedFromTheCPU() {
        #expect(Self.sample().run.machine.profile == "x86_64-amd-epyc-7b13-2c")
        #expect(
            MachineFingerprint.deriveProfile(cpuModel: "Intel(R) Xeon(R) CPU @ 2.20GHz", architecture: "x86_64", cores: 4)
                == "x86_64-intel-xeon-4c")
    }

    /// Bad input: each is refused with a message naming the file and the field.
    @Test(arguments: [
        ("", "is empty"),
        ("{\"schema\": \"perfgate.result\", \"schemaVersion\": 1, \"run\": {", "not valid JSON"),
        ("[1, 2]", "not a JSON object"),
        ("{\"schema\": \"hyperfine\"}", "schema"),
        ("{\"schema\": \"perfgate.result\", \"schemaVersion\": 7}", "schemaVersion: is 7"),
        ("{\"schema\": \"perfgate.result\", \"schemaVersion\": 0}", "Regenerate"),
        ("{\"schema\": \"perfgate.result\", \"schemaVersion\": 1}", "run: is missing"),
    ])
    func malformedFilesAreRefused(text: String, expected: String) {
        let path = Self.write(text)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect {
            try ResultFile.load(path: path)
        } throws: { error in
            guard let error = error as? PerfgateError, error.exitStatus == .badInput else { return false }
            return error.message.contains(path) && error.message.contains(expected)
        }
    }

    @Test func badSamplesAreRefusedWithTheirField() throws {
        for (mutate, expected) in [
            ({ (f: inout ResultFile) in f.benchmarks[0].metrics[0].samples = [] }, "samples: has no samples"),
            ({ (f: inout ResultFile) in f.benchmarks[0].metrics[0].samples = [1, -5, 2] }, "samples[1]: is negative"),
            ({ (f: inout ResultFile) in f.benchmarks = [] }, "benchmarks: is empty"),
            ({ (f: inout ResultFile) in f.benchmarks.append(f.benchmarks[0]) }, "appears twice"),
        ] as [((inout ResultFile) -> Void, String)] {
            var file = Self.sample()
            mutate(&file)
            let path = Self.write(String(decoding: try file.encoded(), as: UTF8.self))
            defer { try? FileManager.default.removeItem(atPath: path) }
            #expect {
                try ResultFile.load(path: path)
            } throws: { error in
                "\(error)".contains(expected) && "\(error)".contains(path)
            }
        }
        // NaN cannot be written as JSON by the encoder, so write it by hand.
        let text = String(decoding: try Self.sample().encoded(), as: UTF8.self).replacingOccurrences(of: "1520", with: "NaN")
        let path = Self.write(text)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: PerfgateError.self) { try ResultFile.load(path: path) }
    }

    @Test func truncatedFilesAreRefusedAtEveryLength() throws {
        let data = try Self.sample().encoded()
        for cut in stride(from: 0, to: data.count - 2, by: 7) {
            #expect(throws: PerfgateError.self) { try ResultFile.decode(data.prefix(cut), source: "cut") }
        }
    }

    @Test func writingToAnUnwritablePathIsAClearError() {
        #expect {
            try Self.sample().write(to: "/proc/perfgate/result.json")
        } throws: { error in
            "\(error)".contains("/proc/perfgate/result.json") && "\(error)".contains("--output")
        }
    }

    /// Whether Python's jsonschema module is importable here.
    static let hasJSONSchema: Bool = {
        (try? ProcessRunner.run("/usr/bin/env", ["python3", "-c", "import jsonschema"]))?.succeeded ?? false
    }()

    /// The shipped JSON Schema accepts what perfgate writes (checked with Python's jsonschema;
    /// skipped where it is missing, `.ci/run` installs python3-jsonschema).
    @Test(.enabled(if: hasJSONSchema, "needs python3 with jsonschema (apt-get install python3-jsonschema)"))
    func schemaValidatesAWrittenResult() throws {
        let schema = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/PerfgateCore/Schema/perfgate-result.schema.json").path
        let path = NSTemporaryDirectory() + "perfgate-schema-\(UUID().uuidString.prefix(8)).json"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Self.sample().write(to: path)
        let outcome = try ProcessRunner.run(
            "/usr/bin/env",
            [
                "python3", "-c",
                """
                import json, sys
                import jsonschema
                schema = json.load(open(sys.argv[1])); doc = json.load(open(sys.argv[2]))
                jsonschema.validate(doc, schema)
                bad = dict(doc); bad["schemaVersion"] = "one"
                try:
                    jsonschema.validate(bad, schema); sys.exit(3)
                except jsonschema.ValidationError:
                    print("ok")
                """, schema, path,
            ])
        #expect(outcome.succeeded, "\(outcome.stderr)")
        #expect(outcome.stdout.contains("ok"))
    }
}
