/// A growable, 8-byte-aligned byte buffer that pending frames are encoded into. It is reused
/// from batch to batch, so the steady-state append path allocates nothing.
final class WriteBuffer {
    private(set) var base: UnsafeMutableRawPointer
    private(set) var capacity: Int
    var count = 0

    init(capacity: Int = 64 * 1024) {
        self.capacity = max(capacity, 64)
        base = UnsafeMutableRawPointer.allocate(byteCount: self.capacity, alignment: 16)
    }

    deinit { base.deallocate() }

    /// Makes room for `additional` more bytes.
    @inline(__always)
    func reserve(_ additional: Int) {
        if count + additional > capacity { grow(to: count + additional) }
    }

    private func grow(to needed: Int) {
        var newCapacity = capacity
        while newCapacity < needed { newCapacity *= 2 }
        let newBase = UnsafeMutableRawPointer.allocate(byteCount: newCapacity, alignment: 16)
        newBase.copyMemory(from: base, byteCount: count)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }

    /// Shrinks back to `limit` bytes of capacity if a huge batch grew it beyond; keeps memory bounded.
    func trim(to limit: Int) {
        guard capacity > limit, count == 0 else { return }
        base.deallocate()
        capacity = limit
        base = UnsafeMutableRawPointer.allocate(byteCount: limit, alignment: 16)
    }

    @inline(__always)
    func append(_ bytes: UnsafeRawBufferPointer) {
        reserve(bytes.count)
        if let source = bytes.baseAddress, bytes.count > 0 {
            (base + count).copyMemory(from: source, byteCount: bytes.count)
        }
        count += bytes.count
    }

    @inline(__always)
    func appendVarint(_ value: UInt64) {
        reserve(10)
        count += Varint.write(value, to: base + count)
    }

    @inline(__always)
    func appendZeros(_ n: Int) {
        reserve(n)
        (base + count).initializeMemory(as: UInt8.self, repeating: 0, count: n)
        count += n
    }

    /// Reserves `capacity` bytes and lets `body` write up to that many at the end through a
    /// pointer; `body` returns how many it wrote. The bulk path of a batch: one capacity check and
    /// one update of the count however many records it writes.
    @inline(__always)
    func write(reserving capacity: Int, _ body: (UnsafeMutableRawPointer) -> Int) {
        reserve(capacity)
        let written = body(base + count)
        precondition(written <= capacity, "wrote past the reservation")
        count += written
    }

    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }
}
