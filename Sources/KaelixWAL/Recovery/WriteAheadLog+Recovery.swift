/// Opening a log: list the segments, trust sealed ones through their seal frame (their data
/// checksums are verified lazily, on first read), checksum the unsealed tail frame by frame, and
/// decide what a bad frame in the tail means:
///
/// - If some later frame in the tail is intact and says the damaged position was already durable
///   when it was written (`durableBefore`), the damage hit synced data: corruption, reported.
/// - Otherwise the damage lies past the last durable point, which is what a crash mid-write leaves:
///   a torn tail, cut off (and listed in the ``RecoveryReport``).
///
/// Damage anywhere in a sealed segment, a missing seal before a later segment, or a gap between
/// segments is corruption; the open fails with the file and offset rather than skipping data.
extension WriteAheadLog {
    func recover() throws {
        let started = monotonicNanos()
        var report = RecoveryReport()
        report.readOnly = isReadOnly
        defineStream(id: 0, name: "")
        let names: [String]
        do { names = try fileSystem.listDirectory(directory) } catch { throw error.walError(path: directory) }
        for name in names where (name.hasSuffix(".kwal.tmp") || name.hasSuffix(".kidx.tmp")) && !isReadOnly {
            do { try fileSystem.removeFile(directory + "/" + name) } catch { throw error.walError(path: directory + "/" + name) }
            report.removedTemporaryFiles.append(name)
        }
        if !report.removedTemporaryFiles.isEmpty {
            do { try fileSystem.syncDirectory(directory) } catch { throw error.walError(path: directory) }
        }
        var ids: [UInt64] = []
        for name in names where name.hasSuffix(".kwal") {
            guard let id = UInt64(name.dropLast(5)), Segment.fileName(id: id) == name else {
                throw WALError.corruption(
                    path: directory + "/" + name, offset: 0,
                    reason: "unexpected file name; segment files are named <20-digit id>.kwal")
            }
            ids.append(id)
        }
        ids.sort()
        let storedManifest = try checkAgainstManifest(&ids, report: &report)
        report.segmentCount = ids.count
        if !isReadOnly {
            // Index files of segments that are gone (retention stopped between the two deletions).
            for name in names where name.hasSuffix(".kidx") {
                guard let id = UInt64(name.dropLast(5)), SegmentIndexFile.fileName(id: id) == name, !ids.contains(id) else { continue }
                try? fileSystem.removeFile(directory + "/" + name)
            }
        }
        if ids.isEmpty && isReadOnly {
            throw WALError.corruption(path: directory, offset: 0, reason: "no segment files: there is no log here to read")
        }
        if ids.isEmpty {
            let first = try createSegment(id: 1, basePosition: 0)
            segments = [first]
            activeSegment = first
            report.durationNanoseconds = monotonicNanos() - started
            recoveryReport = report
            return
        }
        var expectedBase: UInt64?
        for (index, id) in ids.enumerated() {
            let isLast = index == ids.count - 1
            let (segment, sizeOnDisk) = try openSegment(id: id, isLast: isLast)
            segments.append(segment)
            if let expectedBase, segment.basePosition != expectedBase {
                throw WALError.corruption(
                    path: segment.path, offset: 24,
                    reason: "segment starts at position \(segment.basePosition) but the previous one ends at "
                        + "\(expectedBase): a segment file is missing or out of place")
            }
            if isLast {
                segment.mapping.adviseSequentialScan()
                defer { segment.mapping.adviseNormal() }
                try scanTail(segment, sizeOnDisk: sizeOnDisk, report: &report)
            } else {
                if let index = SegmentIndexFile.read(directory: directory, id: id, fileSystem: fileSystem), load(index, into: segment) {
                    report.sealedSegmentsFromIndex += 1
                } else {
                    segment.mapping.adviseSequentialScan()
                    defer { segment.mapping.adviseNormal() }
                    try scanSealed(segment)
                    if !isReadOnly {
                        // For the next open: this one had to walk the segment.
                        try? segment.indexFile()?.write(directory: directory, fileSystem: fileSystem)
                    }
                    segment.releaseIndexNotes()
                }
                report.sealedSegmentsTrusted += 1
                fileSystem.closeFile(segment.fd)
                segment.fd = -1
            }
            expectedBase = segment.endPosition
        }
        let last = segments[segments.count - 1]
        // What recovery keeps of the tail may never have been synced (a kill -9 before the sync):
        // make it durable before any later frame's durable-before mark can vouch for it.
        if last.fd >= 0 && !isReadOnly {
            do { try fileSystem.dataSync(last.fd) } catch { throw error.walError(path: last.path) }
        }
        nextPosition = last.endPosition
        visibleEnd = nextPosition
        writtenBefore.store(nextPosition, ordering: .releasing)
        durableBefore.store(nextPosition, ordering: .releasing)
        activeSegment = last
        if last.sealed && !isReadOnly {
            // A crash after sealing but before the next segment existed: start that segment now.
            let next = try createSegment(id: last.id + 1, basePosition: nextPosition)
            fileSystem.closeFile(last.fd)
            last.fd = -1
            segments.append(next)
            activeSegment = next
        }
        let manifest = SegmentManifest(lowest: segments[0].id, highest: segments[segments.count - 1].id)
        if storedManifest != manifest && !isReadOnly {
            try manifest.write(directory: directory, fileSystem: fileSystem)
        }
        report.recordCount = nextPosition - segments[0].basePosition
        report.durationNanoseconds = monotonicNanos() - started
        recoveryReport = report
    }

    /// Compares the segment files with the manifest: a segment it promises but the directory lacks
    /// is corruption (a deleted newest or oldest segment would otherwise vanish with its records);
    /// segments below its lowest are leftovers of an interrupted retention and are deleted. Returns
    /// the manifest read (nil when there was none), so the open rewrites it only when it changed.
    private func checkAgainstManifest(_ ids: inout [UInt64], report: inout RecoveryReport) throws -> SegmentManifest? {
        guard let manifest = try SegmentManifest.read(directory: directory, fileSystem: fileSystem) else { return nil }
        func missing(_ id: UInt64) -> WALError {
            .corruption(
                path: directory + "/" + Segment.fileName(id: id), offset: 0,
                reason:
                    "the segment is missing, but the manifest says segments \(manifest.lowest) to \(manifest.highest) were made durable; "
                    + "restore the file, or move the directory aside to start a new log")
        }
        guard let lowest = ids.first, let highest = ids.last else { throw missing(manifest.highest) }
        if highest < manifest.highest { throw missing(manifest.highest) }
        if lowest > manifest.lowest { throw missing(manifest.lowest) }
        let leftovers = ids.filter { $0 < manifest.lowest }
        guard !leftovers.isEmpty else { return manifest }
        if isReadOnly {
            // Left for the next writer to delete; not part of the log.
            ids.removeAll { $0 < manifest.lowest }
            return manifest
        }
        for id in leftovers {
            let path = directory + "/" + Segment.fileName(id: id)
            do { try fileSystem.removeFile(path) } catch { throw error.walError(path: path) }
            report.completedRetention.append(Segment.fileName(id: id))
        }
        do { try fileSystem.syncDirectory(directory) } catch { throw error.walError(path: directory) }
        ids.removeAll { $0 < manifest.lowest }
        return manifest
    }

    /// Opens, validates the header of, and maps one segment file; also returns the file's size as
    /// found (a tail cut short is extended with zeros before it is mapped).
    private func openSegment(id: UInt64, isLast: Bool) throws -> (Segment, Int) {
        let path = directory + "/" + Segment.fileName(id: id)
        let fd: Int32
        do {
            fd = isReadOnly ? try fileSystem.openFileReadOnly(path) : try fileSystem.openFile(path, create: false)
        } catch {
            throw error.walError(path: path)
        }
        do {
            var headerBytes = [UInt8](repeating: 0, count: SegmentHeader.size)
            let read = try headerBytes.withUnsafeMutableBytes { buffer throws in
                try fileSystem.readFully(fd, into: buffer, at: 0)
            }
            let decoded = headerBytes.withUnsafeBytes { SegmentHeader.decode($0.baseAddress!, available: read) }
            let header: SegmentHeader
            switch decoded {
            case .success(let value): header = value
            case .failure(let problem): throw WALError.corruption(path: path, offset: 0, reason: problem.reason)
            }
            guard header.segmentID == id else {
                throw WALError.corruption(
                    path: path, offset: 16,
                    reason: "header names segment \(header.segmentID) but the file is named for \(id)")
            }
            guard header.capacity >= UInt64(SegmentHeader.size + FrameLayout.sealFrameSize),
                header.capacity <= UInt64(UInt32.max)
            else {
                throw WALError.corruption(path: path, offset: 32, reason: "implausible capacity \(header.capacity)")
            }
            let capacity = Int(header.capacity)
            var size: Int64
            do { size = try fileSystem.fileSize(fd) } catch { throw error.walError(path: path) }
            let sizeOnDisk = Int(size)
            if isLast && size < Int64(capacity) && !isReadOnly {
                // A cut-short tail (torn, or truncated by hand): restore the full size with zeros.
                do { try fileSystem.truncate(fd, to: Int64(capacity)) } catch { throw error.walError(path: path) }
                size = Int64(capacity)
            }
            let mapping = try MappedRegion(
                fd: fd, length: Int(min(size, Int64(capacity))), path: path, fileSystem: fileSystem,
                preferCopy: configuration.readStrategy == .pread)
            return (
                Segment(
                    id: id, basePosition: header.basePosition, path: path, capacity: capacity, fd: fd,
                    mapping: mapping, verified: isLast, inflatedFrames: inflatedFrames), sizeOnDisk
            )
        } catch let error as WALError {
            fileSystem.closeFile(fd)
            throw error
        } catch {
            fileSystem.closeFile(fd)
            throw WALError.corruption(path: path, offset: 0, reason: "\(error)")
        }
    }

    /// Opens a sealed segment from its index file: only when the index describes this segment —
    /// its base, a seal frame at the index's offset that is intact, has the index's checksum and
    /// seals the index's records — and its runs cover those records with defined streams. Returns
    /// false, changing no stream, when it does not (the caller walks the segment instead).
    private func load(_ index: SegmentIndexFile, into segment: Segment) -> Bool {
        let base = segment.mapping.base
        let sealOffset = Int(clamping: index.sealOffset)
        guard index.basePosition == segment.basePosition, index.endPosition >= index.basePosition,
            sealOffset >= SegmentHeader.size, sealOffset % FrameLayout.alignment == 0,
            sealOffset + FrameLayout.sealFrameSize <= segment.mapping.length,
            index.checkpointOffsets.count == index.checkpointPositions.count,
            index.checkpointFrames.count == index.checkpointPositions.count,
            case .valid(let header) = FrameParser.check(
                base, size: segment.mapping.length, offset: sealOffset, segmentID: segment.id, verifyCRC: true),
            header.type == FrameType.seal.rawValue, header.crc == index.sealCRC
        else { return false }
        let (count, end) = FrameParser.seal(base, frameOffset: sealOffset)
        guard end == index.endPosition, count == index.endPosition - index.basePosition else { return false }
        // The runs must tile the segment's positions, in order.
        var next = index.basePosition
        for run in index.runs {
            guard run.first == next, run.records > 0 else { return false }
            next += run.records
        }
        guard next == index.endPosition else { return false }
        let defined = Set(streamsByID.indices.filter { streamsByID[$0] != nil }.map(UInt32.init))
            .union(index.definitions.map(\.id))
        guard index.runs.allSatisfy({ defined.contains($0.stream) }), problemDefining(index.definitions) == nil else { return false }
        _ = defineAll(index.definitions)
        for run in index.runs { stateOfStream(StreamID(rawValue: run.stream))?.append(first: run.first, records: run.records) }
        segment.load(index)
        return true
    }

    /// Walks a sealed segment's frames to rebuild the index. Control frames are checksummed now,
    /// data frames on first read; the walk itself refuses any structural damage.
    private func scanSealed(_ segment: Segment) throws {
        let base = segment.mapping.base
        let size = segment.mapping.length
        var offset = SegmentHeader.size
        var position = segment.basePosition
        while true {
            let check = FrameParser.check(base, size: size, offset: offset, segmentID: segment.id, verifyCRC: false)
            guard case .valid(let header) = check else {
                let reason: String
                if case .invalid(let why) = check { reason = why } else { reason = "segment ends without a seal frame" }
                throw WALError.corruption(
                    path: segment.path, offset: Int64(offset),
                    reason: "\(reason), in a segment that a later segment follows")
            }
            guard header.basePosition == position else {
                throw WALError.corruption(
                    path: segment.path, offset: Int64(offset),
                    reason: "frame claims position \(header.basePosition) where \(position) was expected")
            }
            // Control frames, and compressed frames before their declared size is trusted for inflating.
            if header.type != FrameType.data.rawValue || header.flags & FrameLayout.compressedFlag != 0,
                header.crc != FrameHeader.computeCRC(frame: base + offset, length: Int(header.length))
            {
                throw WALError.corruption(
                    path: segment.path, offset: Int64(offset),
                    reason: header.type == FrameType.data.rawValue
                        ? "compressed frame checksum mismatch"
                        : "control frame checksum mismatch")
            }
            switch FrameType(rawValue: header.type)! {
            case .data:
                var valid = true
                let endBefore = segment.endPosition
                let wellFormed = segment.index(frame: header, base: base, frameOffset: offset, segmentOffset: offset) {
                    streamID, first, records in
                    if let state = stateOfStream(StreamID(rawValue: streamID)) {
                        state.append(first: first, records: records)
                    } else {
                        valid = false
                    }
                }
                guard valid, wellFormed, segment.endPosition == endBefore + UInt64(header.recordCount) else {
                    throw WALError.corruption(path: segment.path, offset: Int64(offset), reason: "malformed records in a data frame")
                }
                position = segment.endPosition
            case .streamDefinition:
                guard let definitions = FrameParser.streamDefinitions(base, frameOffset: offset, header: header) else {
                    throw WALError.corruption(path: segment.path, offset: Int64(offset), reason: "malformed stream definition")
                }
                if let problem = defineAll(definitions) {
                    throw WALError.corruption(path: segment.path, offset: Int64(offset), reason: problem)
                }
                segment.noteDefinitions(definitions)
            case .seal:
                let (count, end) = FrameParser.seal(base, frameOffset: offset)
                guard end == position, count == position - segment.basePosition else {
                    throw WALError.corruption(
                        path: segment.path, offset: Int64(offset),
                        reason: "seal says \(count) records ending at \(end), the frames hold \(position - segment.basePosition)")
                }
                segment.writeOffset = offset + Int(header.length)
                segment.endPosition = position
                segment.sealed = true
                return
            case .end:
                break
            }
            offset += Int(header.length)
            segment.writeOffset = offset
            segment.endPosition = position
        }
    }

    /// Checksums the tail frame by frame; cuts a torn end or reports corruption (see above).
    private func scanTail(_ segment: Segment, sizeOnDisk: Int, report: inout RecoveryReport) throws {
        let base = segment.mapping.base
        let size = segment.mapping.length
        var offset = SegmentHeader.size
        var position = segment.basePosition
        scan: while true {
            var damage: String?
            switch FrameParser.check(base, size: size, offset: offset, segmentID: segment.id, verifyCRC: true) {
            case .end:
                // A zero length word is the end of the log, or a frame the disk zeroed or lost:
                // anything non-zero after it (a later frame) makes it damage, judged like a tear.
                if let later = firstNonZeroWord(segment, from: offset + FrameLayout.alignment, size: size) {
                    damage = "a zeroed frame (a later frame starts at or after offset \(later))"
                    break
                }
                break scan
            case .invalid(let reason):
                damage = reason
            case .valid(let header):
                if header.basePosition != position {
                    damage = "frame claims position \(header.basePosition) where \(position) was expected"
                } else {
                    switch FrameType(rawValue: header.type)! {
                    case .data:
                        var streamsKnown = true
                        var wellFormed = false
                        if let area = segment.recordsArea(base, frameOffset: offset, segmentOffset: offset, header: header, keep: false) {
                            wellFormed = withExtendedLifetime(area.owner) {
                                FrameParser.forEachRecord(area.base, start: area.start, end: area.end, count: header.recordCount) {
                                    id, _, _, _ in
                                    if stateOfStream(StreamID(rawValue: id)) == nil { streamsKnown = false }
                                }
                            }
                        }
                        if wellFormed && streamsKnown {
                            segment.index(frame: header, base: base, frameOffset: offset, segmentOffset: offset) { id, first, records in
                                stateOfStream(StreamID(rawValue: id))!.append(first: first, records: records)
                            }
                            position = segment.endPosition
                        } else {
                            damage = wellFormed ? "record for an undefined stream" : "malformed records"
                        }
                    case .streamDefinition:
                        if let definitions = FrameParser.streamDefinitions(base, frameOffset: offset, header: header) {
                            damage = defineAll(definitions)
                            if damage == nil { segment.noteDefinitions(definitions) }
                        } else {
                            damage = "malformed stream definition"
                        }
                    case .seal:
                        let (count, end) = FrameParser.seal(base, frameOffset: offset)
                        if end == position && count == position - segment.basePosition {
                            segment.writeOffset = offset + Int(header.length)
                            segment.endPosition = position
                            segment.sealed = true
                            report.tailBytesScanned = segment.writeOffset
                            return
                        }
                        damage = "seal frame disagrees with the frames before it"
                    case .end:
                        break scan
                    }
                }
                if damage == nil {
                    offset += Int(header.length)
                    segment.writeOffset = offset
                    segment.endPosition = position
                    continue scan
                }
            }
            guard let damage else { break scan }
            try cutTornTail(
                segment, at: offset, expectedPosition: position, reason: damage, sizeOnDisk: sizeOnDisk,
                report: &report)
            break scan
        }
        segment.writeOffset = offset
        segment.endPosition = position
        report.tailBytesScanned = offset
    }

    /// The offset of the first non-zero 8-byte word of `segment`'s mapping at or after `start`, or
    /// nil when the rest is zeros; parts of the file that hold no data (a preallocated extent
    /// never written) are skipped without reading them.
    private func firstNonZeroWord(_ segment: Segment, from start: Int, size: Int) -> Int? {
        let base = segment.mapping.base
        let first = start - start % FrameLayout.alignment
        for region in fileSystem.dataRegions(segment.fd, from: first, to: size) {
            var probe = region.lowerBound - region.lowerBound % FrameLayout.alignment
            while probe + 8 <= region.upperBound {
                if base.loadUnaligned(fromByteOffset: probe, as: UInt64.self) != 0 { return probe }
                probe += 8
            }
        }
        return nil
    }

    /// Decides whether damage at `offset` is a torn tail (cut it) or corruption (throw).
    ///
    /// Damage is corruption when a later intact frame says the damaged position was durable. When
    /// no frame can say so, the damaged frame itself decides: a write interrupted by a crash leaves
    /// some of the frame's 512-byte sectors as they were before (zeros: segments are zero-filled
    /// and never reused) or the file cut short inside it. A frame with every sector written that
    /// still fails its checks was changed after it was written (bit rot, a stray write), and its
    /// records may have been acknowledged: the open fails, unless the configuration explicitly
    /// accepts that loss (``WALConfiguration/DamagedTail/discard``).
    private func cutTornTail(
        _ segment: Segment, at offset: Int, expectedPosition: UInt64, reason: String,
        sizeOnDisk: Int, report: inout RecoveryReport
    ) throws {
        let base = segment.mapping.base
        let size = segment.mapping.length
        var lastNonZero = offset
        // Every later word that may hold data (regions of the file never written are skipped).
        for region in fileSystem.dataRegions(segment.fd, from: offset + FrameLayout.alignment, to: size) {
            var probe = region.lowerBound - region.lowerBound % FrameLayout.alignment
            while probe + FrameLayout.headerSize <= size && probe < region.upperBound {
                defer { probe += FrameLayout.alignment }
                guard base.loadUnaligned(fromByteOffset: probe, as: UInt64.self) != 0 else { continue }
                lastNonZero = probe + 8
                let header = FrameHeader(from: base + probe)
                if header.segmentID == FrameHeader.segmentTag(segment.id), header.basePosition >= expectedPosition,
                    header.durableBefore > expectedPosition,
                    case .valid = FrameParser.check(base, size: size, offset: probe, segmentID: segment.id)
                {
                    throw WALError.corruption(
                        path: segment.path, offset: Int64(offset),
                        reason: "\(reason); a later intact frame at offset \(probe) shows that position "
                            + "\(expectedPosition) had already been made durable, so this is not a torn write")
                }
            }
        }
        let interrupted = showsInterruptedWrite(segment, at: offset, sizeOnDisk: sizeOnDisk)
        if !interrupted && configuration.damagedTail == .refuse {
            throw WALError.corruption(
                path: segment.path, offset: Int64(offset),
                reason: "\(reason) in the last frame, which was written whole (no sector of it is missing), so it "
                    + "is damage, not a torn write, and its records may have been acknowledged; restore the "
                    + "file from a replica, or open with damagedTail = .discard to drop the frame and "
                    + "everything after it")
        }
        let capacity = Int64(segment.capacity)
        if !isReadOnly {
            do {
                try fileSystem.truncate(segment.fd, to: Int64(offset))
                try fileSystem.truncate(segment.fd, to: capacity)
                try fileSystem.dataSync(segment.fd)
            } catch {
                throw error.walError(path: segment.path)
            }
            segment.mapping.mirrorTruncation(at: offset)
        }
        report.truncatedFile = segment.path
        report.truncatedAtOffset = Int64(offset)
        report.truncatedBytes = max(0, lastNonZero - offset)
        report.truncationReason = reason
        report.discardedDamage = !interrupted
    }

    /// Whether the frame at `offset` bears the mark of a write a crash interrupted: the file ends
    /// inside it, or one of the 512-byte sectors it spans is all zeros. The frame's extent comes
    /// from its header when the header's own checksum holds; a damaged header is judged on its
    /// own bytes (a torn one has a zero sector, since a header spans at most two). A payload with
    /// a whole sector of zeros cannot be told from a torn write; such a frame is judged torn.
    private func showsInterruptedWrite(_ segment: Segment, at offset: Int, sizeOnDisk: Int) -> Bool {
        let base = segment.mapping.base
        let size = segment.mapping.length
        var end = min(size, offset + FrameLayout.headerSize)
        if offset + FrameLayout.headerSize <= size, FrameHeader.headerIsIntact(frame: base + offset) {
            let header = FrameHeader(from: base + offset)
            let length = Int(header.length)
            if length >= FrameLayout.headerSize, header.padding < FrameLayout.alignment {
                // The padding is zeros by design; a sector holding nothing else proves nothing.
                let declaredEnd = offset + length - Int(header.padding)
                if declaredEnd > sizeOnDisk { return true }  // the file ends inside the frame
                end = min(declaredEnd, size)
            }
        }
        if end > sizeOnDisk { return true }
        var start = offset
        while start < end {
            let sectorEnd = min(end, (start / 512 + 1) * 512)
            var allZero = true
            var probe = start
            while probe < sectorEnd {
                if base.load(fromByteOffset: probe, as: UInt8.self) != 0 {
                    allZero = false
                    break
                }
                probe += 1
            }
            if allZero { return true }
            start = sectorEnd
        }
        return false
    }
}
