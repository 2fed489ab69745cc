import Foundation

/// Issue #15's targets: the door answers quickly while the box office sells, and the email costs a booking little.
extension Targets {
    static let scanTarget = "ticket scans p99 < 20 ms while the booking flow runs"
    static let outboxTarget =
        "the email outbox adds ≤ 10% to a confirmed booking's cost (server CPU per confirmed booking, email included, with ÷ without: median of the rounds)"

    static func doorChecks(_ results: [ScenarioResult]) -> [TargetCheck] {
        var checks = [TargetCheck]()
        if let door = results.first(where: { $0.key == DoorScenario.key && $0.skipped == nil }), let p99 = door.latency?.millis(at: 99) {
            let flow = door.notes.first(where: { $0.hasPrefix("meanwhile") }).map { "; " + $0 } ?? ""
            checks.append(
                TargetCheck(
                    target: scanTarget,
                    measured: "p50 \(Format.millis(door.latency?.millis(at: 50))) ms, p99 \(Format.millis(p99)) ms at \(Format.rate(door.throughput, "scans/s"))\(flow)",
                    met: p99 < 20 && door.failures.isEmpty))
        }
        if let outbox = results.first(where: { $0.key == OutboxCostScenario.key && $0.skipped == nil }),
            let cost = median(outbox.roundCostRatios)
        {
            let delivered = outbox.failures.isEmpty ? "every email delivered" : outbox.failures.joined(separator: "; ")
            let rates = outbox.baseline.flatMap { without in
                outbox.throughput.map { String(format: "; bookings/s with %.1f%% of without", $0 / without * 100) }
            } ?? ""
            checks.append(
                TargetCheck(
                    target: outboxTarget,
                    measured: String(format: "%.0f%% (median of %d rounds: ", cost * 100, outbox.roundCostRatios.count)
                        + outbox.roundCostRatios.map { String(format: "%.0f%%", $0 * 100) }.joined(separator: ", ") + ")\(rates); \(delivered)",
                    met: cost <= 1.10 && outbox.failures.isEmpty))
        }
        return checks
    }
}
