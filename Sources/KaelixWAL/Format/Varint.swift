/// LEB128 variable-length unsigned integers: the per-record framing inside a frame, so a 64-byte
/// record costs two bytes of framing rather than a fixed header.
enum Varint {
    /// Bytes needed to encode `value`.
    @inline(__always)
    static func size(_ value: UInt64) -> Int {
        if value < 0x80 { return 1 }
        if value < 0x4000 { return 2 }
        if value < 0x20_0000 { return 3 }
        if value < 0x1000_0000 { return 4 }
        var v = value >> 28
        var n = 4
        while v != 0 {
            v >>= 7
            n += 1
        }
        return n
    }

    /// Writes `value` at `pointer` and returns the number of bytes written.
    @inline(__always)
    static func write(_ value: UInt64, to pointer: UnsafeMutableRawPointer) -> Int {
        if value < 0x80 {
            pointer.storeBytes(of: UInt8(truncatingIfNeeded: value), as: UInt8.self)
            return 1
        }
        var v = value
        var i = 0
        while v >= 0x80 {
            pointer.storeBytes(of: UInt8(truncatingIfNeeded: v) | 0x80, toByteOffset: i, as: UInt8.self)
            v >>= 7
            i += 1
        }
        pointer.storeBytes(of: UInt8(truncatingIfNeeded: v), toByteOffset: i, as: UInt8.self)
        return i + 1
    }

    /// Reads a varint at `offset` without reading at or past `end`. Returns nil for a truncated or
    /// over-long (more than 10 bytes) encoding, so a hostile length can never run the reader away.
    @inline(__always)
    static func read(_ base: UnsafeRawPointer, _ offset: inout Int, end: Int) -> UInt64? {
        // Most varints here (stream ids, lengths below 128) are one byte.
        if offset < end {
            let byte = base.load(fromByteOffset: offset, as: UInt8.self)
            if byte < 0x80 {
                offset += 1
                return UInt64(byte)
            }
        }
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while offset < end {
            let byte = base.load(fromByteOffset: offset, as: UInt8.self)
            offset += 1
            if shift == 63 && byte > 1 { return nil }
            result |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return result }
            shift += 7
            if shift > 63 { return nil }
        }
        return nil
    }
}
