/// One benchmark of the suite: a stable id, labels, and the work of one round.
public struct BenchmarkDefinition: Sendable {
    /// Stable id, e.g. `wal.append.single/64B/sync=none`. Baselines and targets refer to it.
    public let id: String
    public let tags: [String: String]
    /// Runs one round in the current process and returns its values and operation count.
    let body: @Sendable (RoundContext) throws -> (operations: Int, values: [MeasuredValue])

    init(
        _ id: String, tags: [String: String] = [:],
        body: @escaping @Sendable (RoundContext) throws -> (operations: Int, values: [MeasuredValue])
    ) {
        self.id = id
        self.tags = tags
        self.body = body
    }

    /// This definition with one more tag.
    func tagged(_ key: String, _ value: String) -> BenchmarkDefinition {
        BenchmarkDefinition(id, tags: tags.merging([key: value]) { _, new in new }, body: body)
    }

    /// Runs one round and packages its report, with the round process's peak resident memory
    /// (not under callgrind, whose own memory it would be).
    public func runRound(_ context: RoundContext) throws -> RoundReport {
        let (operations, values) = try body(context)
        let memory =
            context.countsInstructions
            ? [] : [MeasuredValue(.peakResident, MeasuredPhase.peakResidentBytes().map { Double($0) }, unavailableReason: "no /proc")]
        return RoundReport(benchmark: id, operations: operations, values: values + memory)
    }
}

/// Formats a byte size as the suite's ids do: 64B, 1KB, 64KB.
func sizeLabel(_ bytes: Int) -> String {
    bytes >= 1024 ? "\(bytes / 1024)KB" : "\(bytes)B"
}
