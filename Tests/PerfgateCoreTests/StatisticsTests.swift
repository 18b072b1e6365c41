import Foundation
import PerfgateSupport
import Testing

@testable import PerfgateCore

/// perfgate's statistics against SciPy 1.17 and Apache Otava 0.8 on the same data. The reference
/// values are in Fixtures/statistics.json, made by scripts/stat_fixtures.py.
@Suite struct StatisticsTests {
    struct Fixture: Decodable {
        struct MWU: Decodable {
            var x: [Double]
            var y: [Double]
            var method: String
            var u: Double
            var p: Double
        }
        struct TTest: Decodable {
            var mean1, std1: Double
            var n1: Int
            var mean2, std2: Double
            var n2: Int
            var p: Double
        }
        struct PPF: Decodable {
            var p: Double
            var z: Double
        }
        struct Beta: Decodable { var x, a, b, value: Double }
        struct Boot: Decodable {
            var baseline: [Double]
            var current: [Double]
            var low: Double
            var high: Double
        }
        struct ChangePoints: Decodable {
            struct Otava: Decodable {
                struct Point: Decodable {
                    var index: Int
                    var p: Double
                }
                var version: String
                var points: [[Point]]
            }
            // swift-format-ignore: AlwaysUseLowerCamelCase
            var max_pvalue: Double
            var window: Int
            // swift-format-ignore: AlwaysUseLowerCamelCase
            var min_magnitude: Double
            var series: [[Double]]
            var otava: Otava?
        }
        var mannwhitney: [MWU]
        var ttest: [TTest]
        // swift-format-ignore: AlwaysUseLowerCamelCase
        var norm_ppf: [PPF]
        var betainc: [Beta]
        var bootstrap: [Boot]
        var changepoints: ChangePoints
        struct TQuantile: Decodable { var p, df, t: Double }
        struct Session: Decodable {
            var medians: [Double]
            var current: [Double]
            var change, low, high, p: Double
        }
        // swift-format-ignore: AlwaysUseLowerCamelCase
        var t_ppf: [TQuantile]
        // swift-format-ignore: AlwaysUseLowerCamelCase
        var session_model: [Session]
        struct PairedT: Decodable {
            var logratios: [Double]
            var bound, miscoverage, p, low, high: Double
            // swift-format-ignore: AlwaysUseLowerCamelCase
            var p_above, p_below: Double
        }
        // swift-format-ignore: AlwaysUseLowerCamelCase
        var paired_t: [PairedT]
        struct Wilson: Decodable {
            var k, n: Int
            var confidence, low, high: Double
        }
        var wilson: [Wilson]
        struct PairedMDE: Decodable {
            var n: Int
            var sigma, miscoverage, tolerance, mde: Double
        }
        // swift-format-ignore: AlwaysUseLowerCamelCase
        var paired_mde: [PairedMDE]
    }

    static let fixture: Fixture = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/statistics.json")
        return try! JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
    }()

    static func close(_ a: Double, _ b: Double, relative: Double = 1e-9, absolute: Double = 1e-14) -> Bool {
        abs(a - b) <= max(absolute, relative * max(abs(a), abs(b)))
    }

    @Test func mannWhitneyMatchesSciPy() {
        #expect(Self.fixture.mannwhitney.count >= 20)
        for case_ in Self.fixture.mannwhitney {
            let method: MannWhitneyU.Method = case_.method == "exact" ? .exact : .asymptotic
            let result = MannWhitneyU.test(case_.x, case_.y, method: method)
            #expect(result.u == case_.u, "U for \(case_.x) vs \(case_.y)")
            #expect(Self.close(result.pValue, case_.p, relative: 1e-9), "\(case_.method) p \(result.pValue) vs SciPy \(case_.p)")
        }
    }

    /// `auto` is exact without ties up to 50 values per side, so 10 rounds against 10 can reach the
    /// Holm-corrected level of a large suite (complete separation: p = 2/C(20,10) = 1.08e-5).
    @Test func autoMethodIsExactWithoutTies() {
        #expect(MannWhitneyU.test([1, 2, 3], [4, 5, 6, 7]).exact)
        #expect(!MannWhitneyU.test([1, 2, 2], [4, 5, 6, 7]).exact, "ties force the normal approximation")
        let separated = MannWhitneyU.test(Array(stride(from: 0.0, to: 10, by: 1)), Array(stride(from: 10.0, to: 20, by: 1)))
        #expect(separated.exact)
        #expect(Self.close(separated.pValue, 2.0 / 184_756, relative: 1e-12))
        #expect(!MannWhitneyU.test(Array(repeating: 1.0, count: 60).enumerated().map { Double($0.offset) }, [100, 101]).exact)
    }

    /// Student t quantiles (behind the session model's prediction interval) against `scipy.stats.t.ppf`.
    @Test func studentTQuantilesMatchSciPy() {
        #expect(Self.fixture.t_ppf.count >= 6)
        for c in Self.fixture.t_ppf {
            let t = Distributions.studentTQuantile(c.p, df: c.df)
            #expect(Self.close(t, c.t, relative: 1e-9), "t(\(c.p), \(c.df)) = \(t) vs SciPy \(c.t)")
        }
    }

    /// The paired mode's t on log ratios against `scipy.stats.ttest_1samp` (two-sided against 0,
    /// one-sided against ±bound) and `scipy.stats.t.interval` at the small levels the looks spend.
    @Test func pairedTMatchesSciPy() throws {
        #expect(Self.fixture.paired_t.count >= 5)
        for c in Self.fixture.paired_t {
            let test = try #require(PairedTTest(c.logratios))
            #expect(Self.close(test.pValue, c.p, relative: 1e-8), "p \(test.pValue) vs \(c.p)")
            #expect(Self.close(test.pValue(above: c.bound), c.p_above, relative: 1e-8, absolute: 1e-300))
            #expect(Self.close(test.pValue(below: -c.bound), c.p_below, relative: 1e-8, absolute: 1e-300))
            let interval = test.interval(miscoverage: c.miscoverage)
            #expect(Self.close(interval.lowerBound, c.low, relative: 1e-9), "low \(interval.lowerBound) vs \(c.low)")
            #expect(Self.close(interval.upperBound, c.high, relative: 1e-9), "high \(interval.upperBound) vs \(c.high)")
        }
        #expect(PairedTTest([0.1]) == nil, "one pair has no spread")
    }

    /// The Wilson score interval against `scipy.stats.binomtest(k, n).proportion_ci(method="wilson")`.
    @Test func wilsonMatchesSciPy() {
        #expect(Self.fixture.wilson.count >= 5)
        for c in Self.fixture.wilson {
            let interval = Proportion(successes: c.k, trials: c.n).wilson(confidence: c.confidence)
            #expect(Self.close(interval.lowerBound, c.low, relative: 1e-9, absolute: 1e-12), "\(c.k)/\(c.n): \(interval) vs \(c.low)")
            #expect(Self.close(interval.upperBound, c.high, relative: 1e-9, absolute: 1e-12), "\(c.k)/\(c.n): \(interval) vs \(c.high)")
        }
    }

    /// The paired MDE (Jennett–Welch) against the exact change detected with 80 % power, from
    /// SciPy's noncentral t: the excess over the tolerance agrees within 1 %.
    @Test func pairedMinimumDetectableEffectMatchesTheNoncentralT() {
        #expect(Self.fixture.paired_mde.count >= 5)
        for c in Self.fixture.paired_mde {
            let mde = MinimumDetectableEffect.paired(
                tolerance: c.tolerance, standardError: c.sigma / Double(c.n).squareRoot(), degreesOfFreedom: Double(c.n - 1),
                miscoverage: c.miscoverage)
            let excess = log1p(mde) - log1p(c.tolerance)
            let exact = log1p(c.mde) - log1p(c.tolerance)
            #expect(abs(excess / exact - 1) < 0.01, "n=\(c.n): MDE \(mde) vs exact \(c.mde)")
        }
    }

    /// The stored-baseline session model (this session against the baseline's sessions) against the
    /// same formula in NumPy/SciPy (scripts/stat_fixtures.py), on seeded sessions with and without shifts.
    @Test func sessionModelMatchesSciPy() throws {
        #expect(Self.fixture.session_model.count >= 4)
        for c in Self.fixture.session_model {
            let model = try #require(SessionModel.compare(sessionMedians: c.medians, current: c.current))
            #expect(Self.close(model.change, c.change, relative: 1e-9))
            #expect(Self.close(model.low, c.low, relative: 1e-7), "low \(model.low) vs \(c.low)")
            #expect(Self.close(model.high, c.high, relative: 1e-7), "high \(model.high) vs \(c.high)")
            #expect(Self.close(model.pValue, c.p, relative: 1e-7), "p \(model.pValue) vs \(c.p)")
        }
        #expect(SessionModel.compare(sessionMedians: [100], current: [1, 2]) == nil, "one session is not a spread")
        // As a screen, the same scale with normal quantiles: the half-width shrinks by z/t.
        for c in Self.fixture.session_model {
            let t = try #require(SessionModel.compare(sessionMedians: c.medians, current: c.current))
            let z = try #require(SessionModel.compare(sessionMedians: c.medians, current: c.current, screening: true))
            let tHalf = (log(1 + t.high) - log(1 + t.low)) / 2
            let zHalf = (log(1 + z.high) - log(1 + z.low)) / 2
            let ratio = Distributions.normalQuantile(0.975) / Distributions.studentTQuantile(0.975, df: Double(c.medians.count - 1))
            #expect(Self.close(zHalf / tHalf, ratio, relative: 1e-9))
            #expect(z.pValue < t.pValue && Self.close(z.change, t.change, relative: 1e-12))
        }
    }

    @Test func studentTMatchesSciPy() {
        for c in Self.fixture.ttest {
            let p = StudentT.pooledTwoSided(mean1: c.mean1, std1: c.std1, n1: c.n1, mean2: c.mean2, std2: c.std2, n2: c.n2)
            #expect(Self.close(p, c.p, relative: 1e-8), "t-test p \(p) vs SciPy \(c.p)")
        }
    }

    @Test func distributionFunctionsMatchSciPy() {
        for c in Self.fixture.norm_ppf {
            #expect(Self.close(Distributions.normalQuantile(c.p), c.z, relative: 1e-9), "ppf(\(c.p))")
        }
        for c in Self.fixture.betainc {
            #expect(Self.close(Distributions.incompleteBeta(c.x, c.a, c.b), c.value, relative: 1e-9), "I_\(c.x)(\(c.a), \(c.b))")
        }
    }

    /// Percentile-bootstrap intervals agree with SciPy's within Monte Carlo error (different
    /// generators), and are exactly reproducible for one seed.
    @Test func bootstrapIntervalsAgreeWithSciPy() {
        for c in Self.fixture.bootstrap {
            let interval = Bootstrap.relativeChangeOfMedians(baseline: c.baseline, current: c.current, resamples: 20_000, seed: 7)
            let width = c.high - c.low
            #expect(abs(interval.lowerBound - c.low) <= 0.1 * width + 1e-4, "low \(interval.lowerBound) vs SciPy \(c.low)")
            #expect(abs(interval.upperBound - c.high) <= 0.1 * width + 1e-4, "high \(interval.upperBound) vs SciPy \(c.high)")
            let again = Bootstrap.relativeChangeOfMedians(baseline: c.baseline, current: c.current, resamples: 20_000, seed: 7)
            #expect(again == interval, "seeded: reproducible")
        }
    }

    /// The counting walk behind the bootstrap gives exactly the median of the resample drawn by
    /// the same generator calls, for odd and even sizes and with ties.
    @Test func resampledMedianMatchesSortingTheResample() {
        var data = SplitMix64(seed: 11)
        for n in 1...25 {
            let values = (0..<n).map { _ in Double(data.next() % 7) + Double(data.next() % 1000) / 1000 * Double(n % 3) }
            var fast = ResampledMedian(values)
            var rngFast = SplitMix64(seed: UInt64(n))
            var rngSlow = SplitMix64(seed: UInt64(n))
            for _ in 0..<200 {
                let resample = (0..<n).map { _ in values[Int(rngSlow.next() % UInt64(n))] }.sorted()
                let expected = n % 2 == 1 ? resample[n / 2] : (resample[n / 2 - 1] + resample[n / 2]) / 2
                #expect(fast.next(&rngFast) == expected, "n=\(n)")
            }
        }
    }

    /// Holm on the worked example in Holm (1979)/Wikipedia's four hypotheses.
    @Test func holmAdjustment() {
        let adjusted = MultipleComparisons.holm([0.01, 0.04, 0.03, 0.005])
        let expected = [0.03, 0.06, 0.06, 0.02]
        for (a, e) in zip(adjusted, expected) { #expect(Self.close(a, e, relative: 1e-12)) }
        // 0.8 × 2 caps at 1, and monotonicity lifts 0.9 × 1 to 1 as well.
        #expect(MultipleComparisons.holm([0.9, 0.8]) == [1, 1], "monotone, capped at 1")
        #expect(MultipleComparisons.holm([0.001, 0.5]) == [0.002, 0.5])
    }

    @Test func quantilesInterpolateLinearly() {
        #expect(Quantile.median([3, 1, 2]) == 2)
        #expect(Quantile.median([4, 1, 2, 3]) == 2.5)
        #expect(Quantile.quantile([1, 2, 3, 4, 5], 0.9) == 4.6)  // NumPy: np.quantile([1..5], 0.9) == 4.6
        #expect(Quantile.median([]) == nil)
    }

    @Test func changePointsMatchOtava() throws {
        let cp = Self.fixture.changepoints
        let otava = try #require(cp.otava, "fixture made without Otava")
        let detector = ChangePointDetector(maxPValue: cp.max_pvalue, minMagnitude: cp.min_magnitude, window: cp.window)
        for (series, expected) in zip(cp.series, otava.points) {
            let found = detector.detect(series)
            #expect(
                found.map(\.index) == expected.map(\.index),
                "series of \(series.count): \(found.map(\.index)) vs Otava \(expected.map(\.index))")
            // p-values agree where they mean anything; below 1e-20 both are "certain" and the
            // t-distribution's extreme tail is computed differently.
            for (a, b) in zip(found, expected) where b.p > 1e-20 { #expect(Self.close(a.pValue, b.p, relative: 1e-6)) }
            for (a, b) in zip(found, expected) where b.p <= 1e-20 { #expect(a.pValue < 1e-20) }
        }
    }
}
