/// Mid-ranks of values with ties averaged, and the tie term Σ(t³ − t) over groups of t equal
/// values: the ranking Mann–Whitney U stands on.
enum MidRanks {
    /// The rank (1-based, ties averaged) of each of `values`, in their original order, and the tie term.
    static func of(_ values: [Double]) -> (ranks: [Double], tieTerm: Double) {
        let order = values.indices.sorted { values[$0] < values[$1] }
        var ranks = [Double](repeating: 0, count: values.count)
        var tieTerm = 0.0
        var i = 0
        while i < order.count {
            var j = i
            while j + 1 < order.count && values[order[j + 1]] == values[order[i]] { j += 1 }
            let rank = Double(i + j) / 2 + 1
            for k in i...j { ranks[order[k]] = rank }
            let t = Double(j - i + 1)
            tieTerm += t * t * t - t
            i = j + 1
        }
        return (ranks, tieTerm)
    }
}
