import CKaelixSupport

/// CRC32C (Castagnoli), the checksum of every frame and segment header.
///
/// Uses the CPU's SSE4.2 `crc32` instruction when present (about 10 GB/s here) and a
/// slicing-by-8 table otherwise; both give identical values.
public enum CRC32C {
    /// Checksum of `bytes`, continuing from `crc` (0 for a fresh checksum).
    @inlinable
    public static func checksum(_ bytes: UnsafeRawBufferPointer, continuing crc: UInt32 = 0) -> UInt32 {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return crc }
        return kaelix_crc32c(crc, base, bytes.count)
    }

    /// Checksum of an array of bytes.
    public static func checksum(_ bytes: [UInt8], continuing crc: UInt32 = 0) -> UInt32 {
        bytes.withUnsafeBytes { checksum($0, continuing: crc) }
    }
}
