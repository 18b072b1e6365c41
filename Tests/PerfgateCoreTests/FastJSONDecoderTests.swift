import Foundation
import PerfgateSupport
import PerfgateTestSupport
import Testing

@testable import PerfgateCore

/// The fast JSON path reads exactly what Foundation's `JSONDecoder` reads — the same doubles bit
/// for bit, the same dates, the same results — and refuses what is not JSON, so that falling back
/// to `JSONDecoder` on any refusal keeps every message and never changes a value.
@Suite struct FastJSONDecoderTests {
    static func foundation<T: Decodable>(_ type: T.Type, _ data: Data) throws -> T {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(T.self, from: data)
    }

    @Test func numbersAreTheSameDoublesAsFoundationReads() throws {
        let edges = [
            "0", "-0", "0.1", "1e22", "1e23", "1.7976931348623157e308", "5e-324", "2.2250738585072014e-308", "123456.789012345678",
            "9007199254740993", "0.30000000000000004", "1E-7", "-12.5e+3", "100000000000000000000", "4.9406564584124654e-324",
        ]
        for text in edges {
            let data = Data("[\(text)]".utf8)
            let fast = try FastJSONDecoder.decode([Double].self, from: data)
            let reference = try Self.foundation([Double].self, data)
            #expect(fast.map(\.bitPattern) == reference.map(\.bitPattern), "\(text): \(fast) vs \(reference)")
        }
        // Random doubles in the shortest form JSONEncoder writes, and rounded to 6 digits as notes are.
        var rng = SplitMix64(seed: 3)
        let values = (0..<20_000).map { i -> Double in
            let x = Double(bitPattern: rng.next() & 0x7FEF_FFFF_FFFF_FFFF)
            return i % 2 == 0 ? x : NoteLine.roundToSignificant(Double(rng.next() % 10_000_000) / 997)
        }
        let data = try JSONEncoder().encode(values)
        #expect(try FastJSONDecoder.decode([Double].self, from: data).map(\.bitPattern) == values.map(\.bitPattern))
    }

    @Test func resultsDecodeAsFoundationDecodesThem() throws {
        var rng = SplitMix64(seed: 5)
        var result = ResultFixtures.result(
            [
                "wal.append.single/64B/sync=none": [ResultFixtures.latency(ResultFixtures.noisy(1500, cv: 0.05, n: 20, rng: &rng))],
                "unicode/\u{00e9}\u{1F600}\"quoted\"\\": [
                    Metric(
                        name: "throughput", unit: "msg/s", direction: .higherIsBetter,
                        samples: ResultFixtures.noisy(2e7, cv: 0.1, n: 5, rng: &rng)),
                    Metric(
                        name: "gone", unit: "ns", direction: .lowerIsBetter, kind: .counter, samples: [], available: false,
                        unavailableReason: "no valgrind\n(tab\there)"),
                ],
            ])
        result.run.shard = Shard(index: 2, count: 3, group: "run-7")
        result.benchmarks[0].metrics[0].sessionMedians = [1499.5, 1502.25, 1490]
        // A metric written by an older perfgate: no kind, nulls for the optional fields.
        let older = Data(#"{"name":"p50","unit":"ns","direction":"lower","samples":[1,2.5],"available":null,"kind":null}"#.utf8)
        #expect(try FastJSONDecoder.decode(Metric.self, from: older) == (try Self.foundation(Metric.self, older)))
        let unknownKind = Data(#"{"name":"p50","unit":"ns","direction":"lower","samples":[1],"kind":"gauge"}"#.utf8)
        #expect(throws: (any Error).self) { try FastJSONDecoder.decode(Metric.self, from: unknownKind) }
        result.run.startedAt = Date(timeIntervalSince1970: 1_764_662_232)
        for compact in [true, false] {
            let data = try result.encoded(compact: compact)
            let fast = try FastJSONDecoder.decode(ResultFile.self, from: data)
            #expect(fast == (try Self.foundation(ResultFile.self, data)))
            #expect(fast.run.startedAt == result.run.startedAt)
        }
    }

    @Test func whatIsNotJSONIsRefused() throws {
        let bad = [
            "[1,]", "{\"a\":1,}", "[01]", "[1.]", "[NaN]", "[\"\\x\"]", "[\"open", "[1] 2", "{\"a\" 1}", "[tru]", "[1e]", "[-]",
            "[\"\u{01}\"]", "[1e400]", "[\"\\ud800\"]",
        ]
        for text in bad {
            #expect(throws: (any Error).self, "\(text)") { try FastJSONDecoder.decode([JSONAny].self, from: Data(text.utf8)) }
        }
        #expect(throws: (any Error).self) { try FastJSONDecoder.decode([String].self, from: Data([0x5B, 0x22, 0xFF, 0x22, 0x5D])) }
        #expect(throws: (any Error).self, "a string is not a number") {
            try FastJSONDecoder.decode([Double].self, from: Data("[\"1\"]".utf8))
        }
        #expect(throws: (any Error).self, "1.5 is no Int") { try FastJSONDecoder.decode([Int].self, from: Data("[1.5]".utf8)) }
        #expect(try FastJSONDecoder.decode([String].self, from: Data("[\"a\\u00e9\\ud83d\\ude00\\n\"]".utf8)) == ["aé😀\n"])
    }

    /// Decodes any JSON value, to feed the parser arbitrary documents.
    struct JSONAny: Decodable {
        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if container.decodeNil() { return }
            if (try? container.decode(Bool.self)) != nil { return }
            if (try? container.decode(Double.self)) != nil { return }
            if (try? container.decode(String.self)) != nil { return }
            if (try? container.decode([JSONAny].self)) != nil { return }
            _ = try container.decode([String: JSONAny].self)
        }
    }
}
