import Foundation
import Histogram

/// Issue #13's performance targets for several nodes on one PostgreSQL database, from the `cluster` rows of one run.
extension Targets {
    static func clusterChecks(_ results: [ScenarioResult], sizes: BenchSizes) -> [TargetCheck] {
        func row(_ key: String) -> ScenarioResult? { results.first { $0.key == key && $0.skipped == nil } }
        var checks = [TargetCheck]()

        let rate = "cluster: \(sizes.clusterNodes) nodes ≥ 80% of 1 node's durable lock rate (same database, same load)"
        if let one = row("cluster-locks-1")?.throughput, one > 0, let spread = row("cluster-locks-3"), let three = spread.throughput {
            var measured = String(format: "%.0f%%", three / one * 100) + " round robin (\(Format.rate(three, "locks/s")) vs \(Format.rate(one, "locks/s")))"
            if let pinned = row("cluster-locks-3-pinned")?.throughput {
                measured += String(format: "; %.0f%% with each show on one node", pinned / one * 100)
            }
            checks.append(TargetCheck(target: rate, measured: measured, met: three / one >= 0.8 && spread.failures.isEmpty))
        } else {
            checks.append(TargetCheck(target: rate, measured: "–", met: nil))
        }

        let delivery = "cluster: cross-node delivery p99 < 100 ms (\(sizes.clusterSubscribers.formatted()) subscribers, ~\(Int(sizes.clusterLockRate)) locks/s offered)"
        if let feed = row("cluster-delivery"), let p99 = feed.latency?.millis(at: 99) {
            let achieved = feed.notes.first { $0.contains("locks/s of") }.map { " at " + String($0.prefix { $0 != "(" }).trimmingCharacters(in: .whitespaces) } ?? ""
            var measured = "p50 \(Format.millis(feed.latency?.millis(at: 50))) ms, p99 \(Format.millis(p99)) ms\(achieved)"
            if let lower = row(ClusterScenario.sustainedDelivery), let lowerP99 = lower.latency?.millis(at: 99) {
                let rate = lower.notes.first { $0.contains("locks/s of") }.map { String($0.prefix { $0 != "(" }).trimmingCharacters(in: .whitespaces) } ?? "?"
                measured += "; below saturation, at \(rate): p50 \(Format.millis(lower.latency?.millis(at: 50))) ms, p99 \(Format.millis(lowerP99)) ms"
            }
            checks.append(TargetCheck(target: delivery, measured: measured, met: p99 < 100 && feed.failures.isEmpty))
        } else {
            checks.append(TargetCheck(target: delivery, measured: "–", met: nil))
        }

        let failover = "cluster: kill -9 → next lock on the show through another node < 5 s (median)"
        if let row = row("cluster-failover"), let median = row.throughputText, row.latency?.totalCount ?? 0 > 0 {
            checks.append(
                TargetCheck(
                    target: failover, measured: "\(median) over \(row.latency?.totalCount ?? 0) kills (max \(Format.millis(row.latency?.millis(at: 100))) ms)",
                    met: row.seconds < 5 && row.failures.isEmpty))
        } else {
            checks.append(TargetCheck(target: failover, measured: "–", met: nil))
        }
        return checks
    }
}
