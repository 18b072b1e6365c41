import Foundation
import PerfgateCore

/// The history dashboard's cache: each note's ``HistoryDigest/Note`` for one scenario, keyed by
/// the note's blob id, in one binary file. A blob's content never changes, so an entry never goes
/// stale: a render decodes only the notes added since the last one (decoding the JSON of 10,000
/// ci runs takes about 20 s on two cores; reading their digests here, a fraction of a second).
///
/// The file (little-endian): `PGHC`, a format version, a 64-bit checksum of the rest, then a
/// string table, the series keys (benchmark, metric, unit, direction as string indices), and per
/// note its blob id, skipped lines, runs (scenario, profile, finish time) and, per profile, the
/// scenario's run as points (key index, median, low, high, own variance; NaN: none). A file that
/// is missing, of another version or scenario, or damaged is not read: the render rebuilds it.
public struct HistoryCache: Sendable {
    /// Bumped whenever the layout or what a digest holds changes.
    static let version: UInt32 = 1
    static let magic: [UInt8] = Array("PGHC".utf8)

    public var scenario: String
    /// Blob id (hex) → the note's digest.
    public var notes: [String: HistoryDigest.Note]

    public init(scenario: String, notes: [String: HistoryDigest.Note] = [:]) {
        self.scenario = scenario
        self.notes = notes
    }

    /// Where `report --history` keeps the cache of `scenario` by default: inside the git
    /// directory, so it is never part of the work tree (and a CI cache step can keep it).
    public static func defaultPath(gitDirectory: String, scenario: String) -> String {
        let safe = String(scenario.unicodeScalars.map { $0.properties.isAlphabetic || ("0"..."9").contains($0) ? Character($0) : "_" })
        return (gitDirectory.hasSuffix("/") ? gitDirectory : gitDirectory + "/") + "perfgate/history-\(safe).cache"
    }

    /// The cache at `path` for `scenario`: empty when there is none, and empty with the reason
    /// when the file cannot be used (another version or scenario, damaged).
    public static func read(path: String, scenario: String) -> (cache: HistoryCache, problem: String?) {
        guard FileManager.default.fileExists(atPath: path) else { return (HistoryCache(scenario: scenario), nil) }
        guard let data = FileManager.default.contents(atPath: path) else {
            return (HistoryCache(scenario: scenario), "cannot read \(path)")
        }
        do {
            let cache = try data.withUnsafeBytes { try decode($0) }
            guard cache.scenario == scenario else {
                return (HistoryCache(scenario: scenario), "\(path) caches the \(cache.scenario) scenario, not \(scenario)")
            }
            return (cache, nil)
        } catch let error as Unreadable {
            return (HistoryCache(scenario: scenario), "\(path) is not usable (\(error.reason)); it is rebuilt")
        } catch {
            return (HistoryCache(scenario: scenario), "\(path) is not usable (\(error)); it is rebuilt")
        }
    }

    /// Writes the cache to `path` atomically, creating its directory.
    /// - Throws: ``PerfgateError`` (environment) when it cannot be written.
    public func write(to path: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw PerfgateError(.environment, "cannot create \(directory) for the history cache: \(error.localizedDescription)")
        }
        try AtomicFile.write(Data(encoded()), to: path)
    }

    // MARK: Encoding

    /// The file's bytes.
    func encoded() -> [UInt8] {
        var strings: [String] = []
        var stringIndex: [String: UInt32] = [:]
        func intern(_ text: String) -> UInt32 {
            if let found = stringIndex[text] { return found }
            let index = UInt32(strings.count)
            strings.append(text)
            stringIndex[text] = index
            return index
        }
        var keys: [ResultHistory.SeriesKey] = []
        var keyIndex: [ResultHistory.SeriesKey: UInt32] = [:]
        var body = ByteWriter()
        body.u32(intern(scenario))
        var noteBytes = ByteWriter()
        noteBytes.u32(UInt32(notes.count))
        for (blob, note) in notes.sorted(by: { $0.key < $1.key }) {
            noteBytes.string(blob)
            noteBytes.u32(UInt32(note.skippedLines))
            noteBytes.u32(UInt32(note.runs.count))
            for run in note.runs {
                noteBytes.u32(intern(run.scenario))
                noteBytes.u32(intern(run.profile))
                noteBytes.f64(run.finishedAt.timeIntervalSinceReferenceDate)
            }
            noteBytes.u32(UInt32(note.selections.count))
            for (profile, selection) in note.selections.sorted(by: { $0.key < $1.key }) {
                noteBytes.u32(intern(profile))
                switch selection {
                case .incomplete:
                    noteBytes.u8(0)
                case .run(let digest):
                    noteBytes.u8(1)
                    noteBytes.u32(UInt32(digest.points.count))
                    for point in digest.points {
                        let index: UInt32
                        if let found = keyIndex[point.key] {
                            index = found
                        } else {
                            index = UInt32(keys.count)
                            keys.append(point.key)
                            keyIndex[point.key] = index
                        }
                        noteBytes.u32(index)
                        noteBytes.f64(point.median)
                        noteBytes.f64(point.low)
                        noteBytes.f64(point.high)
                        noteBytes.f64(point.ownVariance ?? .nan)
                    }
                }
            }
        }
        var keyBytes = ByteWriter()
        keyBytes.u32(UInt32(keys.count))
        for key in keys {
            keyBytes.u32(intern(key.benchmark))
            keyBytes.u32(intern(key.metric))
            keyBytes.u32(intern(key.unit))
            keyBytes.u32(intern(key.direction.rawValue))
        }
        var table = ByteWriter()
        table.u32(UInt32(strings.count))
        for text in strings { table.string(text) }
        let payload = table.bytes + body.bytes + keyBytes.bytes + noteBytes.bytes
        var file = ByteWriter()
        file.bytes += Self.magic
        file.u32(Self.version)
        file.u64(payload.withUnsafeBytes { Self.checksum($0) })
        return file.bytes + payload
    }

    /// Why a file was not read.
    struct Unreadable: Error {
        var reason: String
    }

    /// Parses the file's bytes.
    static func decode(_ bytes: UnsafeRawBufferPointer) throws(Unreadable) -> HistoryCache {
        var reader = ByteReader(bytes: bytes)
        guard bytes.count >= 16, Array(bytes[0..<4]) == magic else { throw Unreadable(reason: "not a perfgate history cache") }
        reader.offset = 4
        let version = try reader.u32()
        guard version == Self.version else { throw Unreadable(reason: "format version \(version), this perfgate writes \(Self.version)") }
        let expected = try reader.u64()
        guard checksum(UnsafeRawBufferPointer(rebasing: bytes[16...])) == expected else {
            throw Unreadable(reason: "its checksum does not match: the file is damaged")
        }
        var strings: [String] = []
        for _ in 0..<(try reader.count()) { strings.append(try reader.string()) }
        func string(_ index: UInt32) throws(Unreadable) -> String {
            guard Int(index) < strings.count else { throw Unreadable(reason: "a string index is out of range") }
            return strings[Int(index)]
        }
        let scenario = try string(try reader.u32())
        var keys: [ResultHistory.SeriesKey] = []
        for _ in 0..<(try reader.count()) {
            let benchmark = try string(try reader.u32())
            let metric = try string(try reader.u32())
            let unit = try string(try reader.u32())
            guard let direction = MetricDirection(rawValue: try string(try reader.u32())) else {
                throw Unreadable(reason: "a series has an unknown direction")
            }
            keys.append(ResultHistory.SeriesKey(benchmark: benchmark, metric: metric, unit: unit, direction: direction))
        }
        var notes: [String: HistoryDigest.Note] = [:]
        let noteCount = try reader.count()
        notes.reserveCapacity(noteCount)
        for _ in 0..<noteCount {
            let blob = try reader.string()
            let skipped = Int(try reader.u32())
            var runs: [HistoryDigest.RunStamp] = []
            for _ in 0..<(try reader.count()) {
                let scenario = try string(try reader.u32())
                let profile = try string(try reader.u32())
                let finished = Date(timeIntervalSinceReferenceDate: try reader.f64())
                runs.append(HistoryDigest.RunStamp(scenario: scenario, profile: profile, finishedAt: finished))
            }
            var selections: [String: HistoryDigest.Selection] = [:]
            for _ in 0..<(try reader.count()) {
                let profile = try string(try reader.u32())
                switch try reader.u8() {
                case 0:
                    selections[profile] = .incomplete
                case 1:
                    let count = try reader.count()
                    var points: [RunDigest.Point] = []
                    points.reserveCapacity(count)
                    for _ in 0..<count {
                        let key = Int(try reader.u32())
                        guard key < keys.count else { throw Unreadable(reason: "a series index is out of range") }
                        let median = try reader.f64()
                        let low = try reader.f64()
                        let high = try reader.f64()
                        let own = try reader.f64()
                        points.append(
                            RunDigest.Point(key: keys[key], median: median, low: low, high: high, ownVariance: own.isNaN ? nil : own))
                    }
                    selections[profile] = .run(RunDigest(points: points))
                default:
                    throw Unreadable(reason: "a selection has an unknown kind")
                }
            }
            notes[blob] = HistoryDigest.Note(runs: runs, selections: selections, skippedLines: skipped)
        }
        guard reader.offset == bytes.count else { throw Unreadable(reason: "it has bytes after its last note") }
        return HistoryCache(scenario: scenario, notes: notes)
    }

    /// A 64-bit FNV-1a-style hash over 8-byte words (and the tail byte by byte): catches a
    /// damaged or truncated file, fast enough for hundreds of megabytes.
    static func checksum(_ raw: UnsafeRawBufferPointer) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        var offset = 0
        while offset + 8 <= raw.count {
            hash = (hash ^ raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) &* 0x0000_0100_0000_01b3
            offset += 8
        }
        while offset < raw.count {
            hash = (hash ^ UInt64(raw[offset])) &* 0x0000_0100_0000_01b3
            offset += 1
        }
        return hash
    }
}

/// Appends little-endian fields to a byte array.
private struct ByteWriter {
    var bytes: [UInt8] = []

    mutating func u8(_ value: UInt8) { bytes.append(value) }
    mutating func u32(_ value: UInt32) { withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func u64(_ value: UInt64) { withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func f64(_ value: Double) { u64(value.bitPattern) }
    mutating func string(_ text: String) {
        u32(UInt32(text.utf8.count))
        bytes.append(contentsOf: text.utf8)
    }
}

/// Reads little-endian fields, refusing to read past the end.
private struct ByteReader {
    let bytes: UnsafeRawBufferPointer
    var offset = 0

    private mutating func take(_ count: Int) throws(HistoryCache.Unreadable) -> Int {
        guard count >= 0, offset + count <= bytes.count else { throw HistoryCache.Unreadable(reason: "it ends early") }
        defer { offset += count }
        return offset
    }

    mutating func u8() throws(HistoryCache.Unreadable) -> UInt8 { bytes[try take(1)] }
    mutating func u32() throws(HistoryCache.Unreadable) -> UInt32 {
        UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: try take(4), as: UInt32.self))
    }
    mutating func u64() throws(HistoryCache.Unreadable) -> UInt64 {
        UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: try take(8), as: UInt64.self))
    }
    mutating func f64() throws(HistoryCache.Unreadable) -> Double { Double(bitPattern: try u64()) }
    /// A count of items that follow, each at least one byte: bounded by what is left.
    mutating func count() throws(HistoryCache.Unreadable) -> Int {
        let value = Int(try u32())
        guard value <= bytes.count - offset else { throw HistoryCache.Unreadable(reason: "a count is larger than the file") }
        return value
    }
    mutating func string() throws(HistoryCache.Unreadable) -> String {
        let length = Int(try u32())
        let start = try take(length)
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<(start + length)]), as: UTF8.self)
    }
}
