import Foundation

/// One row of the results table, and what the smoke run checks.
struct ScenarioResult: Sendable {
    var key: String
    var title: String
    /// Throughput, with its unit ("req/s", "locks/s", "deliveries/s"); or a free text for recovery.
    var throughput: Double?
    var unit = ""
    var throughputText: String?
    /// The throughput of the same load without what this row adds (the outbox's row: the flow without email).
    var baseline: Double?
    /// Each round's cost of what this row adds, as a ratio (the outbox's row: server CPU per confirmed booking with email
    /// ÷ without, one pair of runs a round).
    var roundCostRatios: [Double] = []
    var latency: Latency?
    var seconds: Double = 0
    var usage: ServerUsage?
    /// Server memory per connection (live scenarios), bytes.
    var perConnection: Int?
    var notes: [String] = []
    /// Errors: any makes the smoke run fail.
    var failures: [String] = []
    /// Why it did not run, when it did not.
    var skipped: String?

    static func skipped(_ key: String, _ title: String, because reason: String) -> ScenarioResult {
        var result = ScenarioResult(key: key, title: title)
        result.skipped = reason
        return result
    }
}

/// A target of issue #6 and whether this run met it.
struct TargetCheck: Sendable {
    var target: String
    var measured: String
    var met: Bool?
}

enum Format {
    static func rate(_ value: Double?, _ unit: String) -> String {
        guard let value else { return "–" }
        if value >= 100 { return "\(Int(value.rounded()).formatted()) \(unit)" }
        return String(format: "%.1f", value) + " " + unit
    }

    static func millis(_ value: Double?) -> String {
        guard let value else { return "–" }
        if value >= 100 { return String(format: "%.0f", value) }
        if value >= 10 { return String(format: "%.1f", value) }
        return String(format: "%.2f", value)
    }

    static func bytes(_ value: Int?) -> String {
        guard let value else { return "–" }
        let absolute = abs(Double(value))
        if absolute >= 1_073_741_824 { return String(format: "%.2f GiB", Double(value) / Double(1 << 30)) }
        if absolute >= 1_048_576 { return String(format: "%.1f MiB", Double(value) / Double(1 << 20)) }
        if absolute >= 1_024 { return String(format: "%.1f KiB", Double(value) / Double(1 << 10)) }
        return "\(value) B"
    }

    static func seconds(_ value: Double) -> String { String(format: "%.2f s", value) }
}
