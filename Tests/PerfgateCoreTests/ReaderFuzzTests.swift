import Foundation
import PerfgateCore
import PerfgateSupport
import Testing

/// A brief, seeded fuzz of the result/baseline reader and the configuration reader: random bit
/// flips, truncations, splices and junk never crash them; every input is either accepted (and
/// then valid) or refused with a PerfgateError of exit code 2 that names the input.
@Suite struct ReaderFuzzTests {
    static func mutate(_ data: Data, rng: inout SplitMix64) -> Data {
        var bytes = [UInt8](data)
        switch rng.next() % 5 {
        case 0:  // flip bits
            for _ in 0..<Int(rng.next() % 4 + 1) where !bytes.isEmpty {
                bytes[Int(rng.next() % UInt64(bytes.count))] ^= UInt8(1 << (rng.next() % 8))
            }
        case 1:  // truncate
            bytes = Array(bytes.prefix(Int(rng.next() % UInt64(bytes.count + 1))))
        case 2:  // replace a byte with JSON punctuation
            let punctuation: [UInt8] = Array("{}[],:\"-0123456789.eEnull".utf8)
            if !bytes.isEmpty { bytes[Int(rng.next() % UInt64(bytes.count))] = punctuation[Int(rng.next() % UInt64(punctuation.count))] }
        case 3:  // splice a run of bytes elsewhere
            if bytes.count > 8 {
                let start = Int(rng.next() % UInt64(bytes.count - 4))
                let length = Int(rng.next() % 4 + 1)
                let piece = Array(bytes[start..<min(bytes.count, start + length)])
                bytes.insert(contentsOf: piece, at: Int(rng.next() % UInt64(bytes.count)))
            }
        default:  // junk
            bytes = (0..<Int(rng.next() % 64)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        }
        return Data(bytes)
    }

    @Test func resultReaderNeverCrashes() throws {
        let valid = try ResultFileTests.sample().encoded(compact: true)
        var rng = SplitMix64(seed: 2026)
        var accepted = 0
        for _ in 0..<3000 {
            let input = Self.mutate(valid, rng: &rng)
            switch perfgateOutcome { try ResultFile.decode(input, source: "fuzz.json") } {
            case .success(let file):
                accepted += 1
                try file.validate(source: "fuzz.json")
            case .failure(let error):
                #expect(error.exitStatus == .badInput && error.message.hasPrefix("fuzz.json"), "\(error)")
            }
        }
        #expect(accepted > 0, "some mutations (inside sample values) stay valid")
    }

    @Test func configurationReaderNeverCrashes() throws {
        let valid = Data(
            """
            {"version": 1, "gate": {"alpha": 0.01, "tolerance": 0.05}, "tolerances": [{"benchmark": "w*", "tolerance": 0.1}],
             "targets": [{"name": "t", "benchmark": "w", "metric": "p99", "max": 10, "unit": "ns", "severity": "fail"}]}
            """.utf8)
        var rng = SplitMix64(seed: 7)
        for _ in 0..<2000 {
            let input = Self.mutate(valid, rng: &rng)
            let outcome = perfgateOutcome { try GateConfiguration.decode(input, source: "perfgate.json", knownBenchmarks: ["w"]) }
            if case .failure(let error) = outcome {
                #expect(error.exitStatus == .badInput && error.message.hasPrefix("perfgate.json"))
            }
        }
    }
}

/// The outcome of `body` as a `Result` whose failure is a ``PerfgateError``: the readers throw
/// nothing else, so any other error fails the calling test loudly.
func perfgateOutcome<T>(_ body: () throws -> T) -> Result<T, PerfgateError> {
    do { return .success(try body()) } catch let error as PerfgateError { return .failure(error) } catch {
        preconditionFailure("threw \(type(of: error)), not a PerfgateError: \(error)")
    }
}
