import Foundation
import Histogram
import SeatEngine

/// Issue #14's engine micro-benchmark, no server and no HTTP: best-available decisions on a 1,000-seat hall at 0%,
/// 50% and 95% occupancy, each timed alone, beside an explicit lock of the seats it picked.
///
/// A decision is `SeatMap.lockBest`: validate, pick, hold, record the change and its undo — what the show's actor runs
/// in its synchronous step. After each, the change is rolled back (untimed), then the explicit lock of the same seats
/// is timed and rolled back too, so the occupancy stays what it was. Requests ask for 1–10 seats, half of them in one
/// of the three categories, one in ten for a wheelchair space (and its companion seat); every decision counts, those
/// that answer `seats_not_together` too.
enum SeatingScenario {
    static let occupancies = [0.0, 0.5, 0.95]
    static let categories = ["Gold", "Silver", "Bronze"]

    static func run(_ context: BenchContext) async throws -> [ScenarioResult] {
        let decisions = context.sizes.seatingDecisions
        context.log("seating: \(decisions) best-available decisions at each of 0%, 50%, 95% occupancy")
        return try await Task.detached {
            try occupancies.map { try measure(occupancy: $0, decisions: decisions) }
        }.value
    }

    /// 25 rows (A–Y) of 40 seats, aisles after columns 10 and 30, Gold rows A–E, Silver F–P, Bronze Q–Y, and a
    /// wheelchair space with its companion seat at each end of row P: 1,000 seats.
    static func hall() -> SeatingPlan {
        let letters = Array("ABCDEFGHIJKLMNOPQRSTUVWXY").map(String.init)
        let rows = letters.enumerated().map { number, row in
            var places: [SeatingPlan.Place] = []
            for column in 1...40 {
                var kind = SeatKind.standard
                if row == "P" && (column == 1 || column == 40) { kind = .wheelchair }
                if row == "P" && (column == 2 || column == 39) { kind = .companion }
                places.append(.seat("\(row)\(column)", kind))
                if column == 10 || column == 30 { places.append(.aisle) }
            }
            return SeatingPlan.Row(name: row, category: number < 5 ? "Gold" : number < 16 ? "Silver" : "Bronze", places: places)
        }
        return SeatingPlan(rows: rows)
    }

    static func measure(occupancy: Double, decisions: Int) throws -> ScenarioResult {
        var random = SplitMix(seed: 14)
        let plan = hall()
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let expiresAt = now.addingTimeInterval(300)
        var map = try SeatMap(show: "bench", plan: plan)
        let taken = Array(plan.seats.shuffled(using: &random).prefix(Int((Double(plan.seats.count) * occupancy).rounded())))
        for (number, start) in stride(from: 0, to: taken.count, by: SeatMap.maxSeatsPerBooking).enumerated() {
            let seats = Array(taken[start..<min(start + SeatMap.maxSeatsPerBooking, taken.count)])
            _ = try map.lock(booking: "held-\(number)", user: "holder-\(number)", seats: seats, expiresAt: expiresAt, now: now)
        }
        map.settle(through: map.version)

        var best = nanosecondHistogram()
        var explicit = nanosecondHistogram()
        var bestMicros = Latency.latency()
        var picked = 0
        var measuredNanos: UInt64 = 0
        let warmup = max(decisions / 10, 10)
        for round in 0..<(warmup + decisions) {
            let accessible = random.below(10) == 0 ? 1 : 0
            let count = max(1 + random.below(SeatMap.maxSeatsPerBooking), 2 * accessible)
            let category = random.below(2) == 0 ? nil : categories[random.below(categories.count)]
            let before = Monotonic.now()
            let step = try? map.lockBest(
                booking: "b", user: "u", count: count, category: category, accessible: accessible, expiresAt: expiresAt, now: now)
            let bestNanos = Monotonic.now() - before
            var explicitNanos: UInt64?
            if case .locked(let hold, _)? = step?.effect {
                map.rollBack(from: map.version)
                let again = Monotonic.now()
                _ = try map.lock(booking: "b", user: "u", seats: hold.seats, expiresAt: expiresAt, now: now)
                explicitNanos = Monotonic.now() - again
                map.rollBack(from: map.version)
            }
            guard round >= warmup else { continue }
            _ = best.record(max(bestNanos, 1))
            bestMicros.recordMicros((bestNanos + 999) / 1_000)
            measuredNanos += bestNanos
            if let explicitNanos {
                _ = explicit.record(max(explicitNanos, 1))
                picked += 1
            }
        }

        let percent = Int((occupancy * 100).rounded())
        var result = ScenarioResult(key: "seating", title: "Engine: best available, 1,000-seat hall, \(percent)% occupied", unit: "decisions/s")
        result.throughput = measuredNanos > 0 ? Double(decisions) / (Double(measuredNanos) / 1e9) : nil
        result.latency = bestMicros
        result.seconds = Double(measuredNanos) / 1e9
        result.notes.append(
            "per decision (pick + hold + change record, one thread, no I/O): p50 \(micros(best, 50)) µs, p99 \(micros(best, 99)) µs, "
                + "p99.9 \(micros(best, 99.9)) µs, max \(micros(best, 100)) µs")
        result.notes.append(
            "explicit lock of the same seats: p50 \(micros(explicit, 50)) µs, p99 \(micros(explicit, 99)) µs")
        result.notes.append(
            "\(decisions) decisions after \(warmup) warm-up, 1–10 seats, half in one category, 1 in 10 with a wheelchair space; \(picked) picked, "
                + "\(decisions - picked) seats_not_together")
        if decisions > 0 && best.totalCount == 0 { result.failures.append("no decision measured") }
        return result
    }

    static func nanosecondHistogram() -> Histogram<UInt64> {
        Histogram<UInt64>(lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000_000, numberOfSignificantValueDigits: .three)
    }

    /// Microseconds at a percentile of a nanosecond histogram, to a tenth.
    static func micros(_ histogram: Histogram<UInt64>, _ percentile: Double) -> String {
        guard histogram.totalCount > 0 else { return "–" }
        return String(format: "%.1f", Double(histogram.valueAtPercentile(percentile)) / 1_000)
    }
}
