import CKaelixSupport
import KaelixWAL
import PerfgateSupport
import Testing

@Suite struct CRC32CTests {
    /// Check values from RFC 3720 appendix B.4 and the CRC catalogue ("123456789").
    static let checkValues: [([UInt8], UInt32)] = [
        (Array("123456789".utf8), 0xE306_9283),
        ([UInt8](repeating: 0, count: 32), 0x8A91_36AA),
        ([UInt8](repeating: 0xFF, count: 32), 0x62A8_AB43),
        ((0..<32).map { UInt8($0) }, 0x46DD_794E),
        ((0..<32).reversed().map { UInt8($0) }, 0x113F_DB5C),
        ([], 0),
    ]

    @Test(arguments: checkValues)
    func publishedCheckValues(input: [UInt8], expected: UInt32) {
        #expect(CRC32C.checksum(input) == expected)
        input.withUnsafeBytes { raw in
            #expect(kaelix_crc32c_software(0, raw.baseAddress, raw.count) == expected)
            if kaelix_crc32c_hardware_available() == 1 {
                #expect(kaelix_crc32c_hardware(0, raw.baseAddress, raw.count) == expected)
            }
        }
    }

    @Test func hardwareAndSoftwareAgreeOnEveryLengthAndAlignment() {
        var rng = SplitMix64(seed: 42)
        let data = (0..<4096).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        data.withUnsafeBytes { raw in
            for start in 0..<9 {
                for length in [0, 1, 7, 8, 9, 31, 32, 33, 63, 64, 100, 1000, 4000] where start + length <= raw.count {
                    let software = kaelix_crc32c_software(0, raw.baseAddress! + start, length)
                    #expect(kaelix_crc32c(0, raw.baseAddress! + start, length) == software)
                }
            }
        }
    }

    @Test func checksumsChainAcrossSplitBuffers() {
        let text = Array("The quick brown fox jumps over the lazy dog".utf8)
        let whole = CRC32C.checksum(text)
        for split in 0...text.count {
            let first = CRC32C.checksum(Array(text[..<split]))
            #expect(CRC32C.checksum(Array(text[split...]), continuing: first) == whole)
        }
    }

    /// The one-call frame checksums (the append path's) are the format's definition: CRC32C of the
    /// header's bytes [0, 8), [12, 20), [24, 40), and of the frame's [0, 8) and [12, length), chained
    /// through the table-driven code, at every alignment.
    @Test func frameChecksumsAreTheChainedDefinition() {
        var rng = SplitMix64(seed: 7)
        let data = (0..<600).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        data.withUnsafeBytes { raw in
            for start in 0..<9 {
                let frame = raw.baseAddress! + start
                var header = kaelix_crc32c_software(0, frame, 8)
                header = kaelix_crc32c_software(header, frame + 12, 8)
                header = kaelix_crc32c_software(header, frame + 24, 16)
                #expect(kaelix_frame_header_crc(frame) == header, "frame at offset \(start)")
                for length in [48, 56, 64, 72, 128, 584] {
                    let whole = kaelix_crc32c_software(kaelix_crc32c_software(0, frame, 8), frame + 12, length - 12)
                    #expect(kaelix_frame_crc(frame, length) == whole, "frame at offset \(start), \(length) bytes")
                }
            }
        }
    }
}
