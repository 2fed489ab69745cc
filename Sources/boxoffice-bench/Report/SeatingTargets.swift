import Histogram

/// Issue #14's target for the seat engine alone.
extension Targets {
    static let seatingTarget = "best available p99 < 100 µs per decision, 1,000-seat hall at 0%, 50%, 95% occupied"

    /// Met when every occupancy's p99 (microsecond histogram, rounded up) is under 100 µs.
    static func seating(_ results: [ScenarioResult]) -> TargetCheck {
        let rows = results.filter { $0.key == "seating" && $0.skipped == nil && $0.failures.isEmpty }
        let p99s = rows.compactMap { $0.latency.map { $0.totalCount > 0 ? $0.valueAtPercentile(99) : nil } ?? nil }
        guard !rows.isEmpty, p99s.count == rows.count else { return TargetCheck(target: seatingTarget, measured: "not measured", met: nil) }
        let measured = p99s.map { "\($0) µs" }.joined(separator: " / ")
        return TargetCheck(target: seatingTarget, measured: measured, met: p99s.allSatisfy { $0 < 100 })
    }
}
