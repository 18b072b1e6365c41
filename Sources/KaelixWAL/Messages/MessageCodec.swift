/// Lossless conversion between ``BrokerMessage`` and ``StorageEntry``, in a compact binary form:
///
/// ```
/// u8 version (1) | u8 flags (bit 0: has key) | varint zigzag(timestamp ms)
/// [varint key length, key]            when flags bit 0
/// varint header count, then per header: varint name length, name (UTF-8), varint value length, value
/// value                                (the rest of the payload)
/// ```
///
/// A 64-byte value with no key or headers costs 4 bytes of overhead. Decoding checks every length
/// against the bytes left, so a damaged payload yields ``WALError/malformedMessage(reason:)``.
public enum MessageCodec {
    static let version: UInt8 = 1

    /// The storage form of `message`.
    public static func encode(_ message: BrokerMessage) -> StorageEntry {
        var size = 2 + 10 + (message.key.map { $0.count + 10 } ?? 0) + 10 + message.value.count
        for header in message.headers { size += header.name.utf8.count + header.value.count + 20 }
        let buffer = WriteBuffer(capacity: size)
        let prefix: [UInt8] = [version, message.key == nil ? 0 : 1]
        prefix.withUnsafeBytes { buffer.append($0) }
        let t = message.timestampMilliseconds
        buffer.appendVarint(UInt64(bitPattern: (t << 1) ^ (t >> 63)))
        if let key = message.key {
            buffer.appendVarint(UInt64(key.count))
            key.withUnsafeBytes { buffer.append($0) }
        }
        buffer.appendVarint(UInt64(message.headers.count))
        for header in message.headers {
            var name = header.name
            name.withUTF8 { utf8 in
                buffer.appendVarint(UInt64(utf8.count))
                buffer.append(UnsafeRawBufferPointer(utf8))
            }
            buffer.appendVarint(UInt64(header.value.count))
            header.value.withUnsafeBytes { buffer.append($0) }
        }
        message.value.withUnsafeBytes { buffer.append($0) }
        return StorageEntry(stream: message.stream, payload: Array(buffer.bytes))
    }

    /// The broker message stored in `entry`.
    public static func decode(_ entry: StorageEntry) throws -> BrokerMessage {
        try entry.payload.withUnsafeBytes { raw throws in
            try decode(stream: entry.stream, payload: raw)
        }
    }

    /// Decodes a payload read without copying (see ``WriteAheadLog/withRecord(at:_:)``).
    public static func decode(stream: String, payload raw: UnsafeRawBufferPointer) throws -> BrokerMessage {
        guard raw.count >= 2, let base = raw.baseAddress else { throw WALError.malformedMessage(reason: "payload shorter than 2 bytes") }
        let end = raw.count
        guard base.load(as: UInt8.self) == version else {
            throw WALError.malformedMessage(reason: "unknown encoding version \(base.load(as: UInt8.self))")
        }
        let flags = base.load(fromByteOffset: 1, as: UInt8.self)
        guard flags & ~1 == 0 else { throw WALError.malformedMessage(reason: "unknown flags \(flags)") }
        var offset = 2
        guard let zigzag = Varint.read(base, &offset, end: end) else { throw WALError.malformedMessage(reason: "truncated timestamp") }
        let timestamp = Int64(bitPattern: zigzag >> 1) ^ -Int64(bitPattern: zigzag & 1)
        func bytes(_ what: String) throws -> [UInt8] {
            guard let length = Varint.read(base, &offset, end: end), length <= UInt64(end - offset) else {
                throw WALError.malformedMessage(reason: "truncated \(what)")
            }
            let result = Array(UnsafeRawBufferPointer(start: base + offset, count: Int(length)))
            offset += Int(length)
            return result
        }
        let key = flags & 1 == 1 ? try bytes("key") : nil
        guard let headerCount = Varint.read(base, &offset, end: end), headerCount <= UInt64(end - offset) / 2 else {
            throw WALError.malformedMessage(reason: "truncated or implausible header count")
        }
        var headers: [BrokerMessage.Header] = []
        headers.reserveCapacity(Int(headerCount))
        for _ in 0..<headerCount {
            let name = try bytes("header name")
            let value = try bytes("header value")
            headers.append(.init(name: String(decoding: name, as: UTF8.self), value: value))
        }
        let value = Array(UnsafeRawBufferPointer(start: base + offset, count: end - offset))
        return BrokerMessage(stream: stream, key: key, value: value, headers: headers, timestampMilliseconds: timestamp)
    }
}

extension WriteAheadLog {
    /// Appends a broker message to its stream (created on first use) and returns its position.
    @discardableResult
    public func append(message: BrokerMessage) throws -> UInt64 {
        let entry = MessageCodec.encode(message)
        return try append(entry.payload, to: stream(named: entry.stream))
    }

    /// Reads the broker message stored at `position`.
    public func readMessage(at position: UInt64) throws -> BrokerMessage {
        let record = try read(at: position)
        let names = streamNames
        let name = Int(record.stream.rawValue) < names.count ? names[Int(record.stream.rawValue)] : ""
        return try MessageCodec.decode(StorageEntry(stream: name, payload: record.payload))
    }
}
