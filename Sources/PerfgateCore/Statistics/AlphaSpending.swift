import Foundation

/// How the paired mode spends its error budget α over the looks it may take.
///
/// The look schedule (8, 16, 32, … pairs up to the cap) is fixed before any data are seen, so the
/// number of looks K is known. Look k may spend
///
///     α_k = α · ((k / K)^ρ − ((k − 1) / K)^ρ),   ρ = 2,
///
/// a member of Kim & DeMets' power family of spending functions (ρ = 1 is an even split; ρ = 3
/// behaves like O'Brien & Fleming's boundaries). The α_k sum to α, so by the union bound the
/// chance of any error over all looks stays within α whatever the stopping rule; spending little
/// at the first looks keeps the few-pair looks, whose estimates are the least reliable, from
/// using up the budget that the later, better-informed looks need.
public struct AlphaSpending: Sendable, Equatable {
    /// The whole budget.
    public var alpha: Double
    /// Looks the plan may take (K).
    public var looks: Int
    /// The power ρ.
    public var exponent: Double

    public init(alpha: Double, looks: Int, exponent: Double = 2) {
        self.alpha = alpha
        self.looks = max(1, looks)
        self.exponent = exponent
    }

    /// α spent up to and including look `look` (1-based); α from look K on.
    public func cumulative(through look: Int) -> Double {
        guard look > 0 else { return 0 }
        return alpha * pow(Double(min(look, looks)) / Double(looks), exponent)
    }

    /// α spent at look `look` alone (1-based); 0 past the last planned look.
    public func spent(at look: Int) -> Double {
        look > looks ? 0 : cumulative(through: look) - cumulative(through: look - 1)
    }
}
