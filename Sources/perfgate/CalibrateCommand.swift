import ArgumentParser
import Foundation
import PerfgateCore
import PerfgateSession
import WALBenchmarks

struct CalibrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calibrate",
        abstract:
            "Measure this runner's noise: run this build against itself (A/A) and report, per metric, the noise and the minimum "
            + "detectable effect.",
        discussion: """
            The A/A rounds are paired exactly as in `compare --against`. Per metric: the standard \
            deviation of the per-round log ratios, the per-side noise (that over √2), and the minimum \
            detectable effect (MDE): the true change a paired comparison of this many pairs calls \
            regressed with 80 % probability, at perfgate.json's paired α divided among the calibrated \
            metrics, at the proposed tolerance. The proposed paired tolerance is at or above 90 % of the \
            p50/p99/throughput metrics' noise floors, so a change of twice it is caught with 80 % \
            probability. Stored in baselines/<profile>/calibration-<scenario>.json.
            """)

    @Option(help: "The scenario to calibrate.")
    var scenario: Scenario = .ci

    @Option(
        help: ArgumentHelp(
            "Pairs of rounds (at least 3: the noise of each metric is a standard deviation over the pairs).",
            valueName: "n"))
    var pairs = 10

    @Option(name: .customLong("filter"), help: "Only benchmarks matching this glob (repeatable).")
    var filters: [String] = []

    @Option(help: ArgumentHelp("Profile to store the calibration under (default: this machine's).", valueName: "name"))
    var profile: String?

    func validate() throws {
        guard pairs >= 3 else {
            throw ValidationError("--pairs \(pairs): a calibration needs at least 3 pairs to estimate each metric's noise (default 10)")
        }
        if let profile { try usageCheck { try BaselineStore.checkProfileName(profile, flag: "--profile") } }
    }

    func run() throws {
        try withExitCodes {
            let root = (try? GitRecording.repository())?.workdir ?? FileManager.default.currentDirectoryPath + "/"
            var options = SuiteRunner.Options(
                scenario: scenario, workDirectory: root + ".perfgate/calibrate", executable: Terminal.executablePath)
            options.filters = filters
            let benchmarks = try SuiteRunner(options: options).selectedBenchmarks()
            try? FileManager.default.createDirectory(atPath: options.workDirectory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: options.workDirectory) }
            let side = PairedSession.Side(label: "A", executable: Terminal.executablePath)
            let session = PairedSession(
                scenario: scenario, benchmarks: benchmarks, a: side, b: side, workDirectory: options.workDirectory, seed: 7)
            let started = Date()
            try session.runPairs(pairs) { pair, benchmark in
                if Terminal.stderrIsTerminal { Terminal.progress("pair \(pair + 1)/\(pairs): \(benchmark)") }
            }
            Terminal.progress(String(format: "%d pairs in %.0f s", pairs, Date().timeIntervalSince(started)), final: true)
            let (a, b) = session.results()
            let machine = MachineProbe.fingerprint(directory: options.workDirectory, profile: profile)
            let configured =
                FileManager.default.fileExists(atPath: root + "perfgate.json")
                ? try GateConfiguration.load(path: root + "perfgate.json", knownBenchmarks: [])
                : GateConfiguration()
            let calibration = Calibration.compute(
                a: a, b: b, scenario: scenario.rawValue, profile: machine.profile, pairs: pairs, alpha: configured.gate.pairedAlpha)
            let path = root + "baselines/\(machine.profile)/calibration-\(scenario.rawValue).json"
            // Never replace a stored calibration with an empty one.
            guard !calibration.entries.isEmpty else {
                throw PerfgateError(
                    .environment,
                    "no metric could be calibrated (every benchmark was filtered out, or no timing metric had 3 "
                        + "usable pairs); \(path) was left as it was. Check --filter and rerun with more --pairs")
            }
            try AtomicFile.write(try calibration.encoded(), to: path)
            print(calibration.summary())
            print("wrote \(path)")
        }
    }
}
