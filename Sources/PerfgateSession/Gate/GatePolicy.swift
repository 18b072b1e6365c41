import PerfgateCore

/// How strict the gate is and which comparisons it allows: the gate options of `compare` and
/// `check`, as a value the session reads (the executable fills it from the command line).
public struct GatePolicy: Sendable, Equatable {
    /// A configuration file to use instead of `perfgate.json`.
    public var configPath: String?
    /// The default tolerance, overriding `perfgate.json`.
    public var tolerance: Double?
    /// The machine profile whose baseline applies (default: the current run's).
    public var profile: String?
    public var strict = false
    public var failOnImprovement = false
    public var allowMissingBaseline = false
    public var allowCrossMachine = false
    public var allowCrossScenario = false

    /// A policy with the given configuration file, tolerance and profile, and every flag off.
    public init(configPath: String? = nil, tolerance: Double? = nil, profile: String? = nil) {
        self.configPath = configPath
        self.tolerance = tolerance
        self.profile = profile
    }

    /// The exit status `report` earns under this policy.
    public func exitStatus(of report: GateReport) -> ExitStatus {
        report.exitCode(strict: strict, failOnImprovement: failOnImprovement, allowMissingBaseline: allowMissingBaseline)
    }
}
