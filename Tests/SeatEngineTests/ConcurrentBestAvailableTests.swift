import BoxOfficeTestSupport
import SeatEngine
import Testing

@Suite("Concurrent best available", .timeLimit(.minutes(2)))
struct ConcurrentBestAvailableTests {
    @Test("300 tasks asking one actor for best available never get a seat twice; every hold is side by side", arguments: [0.0, 0.25])
    func racingBestAvailable(failureRate: Double) async throws {
        let categories = ["Gold", "Gold", "Gold", "Silver", "Silver", "Silver", "Silver", "Silver"]
        let plan = hall(Array(repeating: "sswcssss|ssssssss|sssssss", count: 8), categories: categories)
        var random = SplitMix64(seed: 99)
        let requests: [(booking: BookingID, count: Int, category: String?, accessible: Int)] = (0..<300).map { index in
            let count = Int.random(in: 1...4, using: &random)
            let accessible = random.chance(0.1) ? 1 : 0
            return ("b\(index)", max(count, accessible * 2), random.chance(0.5) ? nil : ["Gold", "Silver"].randomElement(using: &random), accessible)
        }
        let journal = MemoryJournal(failureRate: failureRate, seed: 3)
        let actor = try await ShowActor(show: "show-b", plan: plan, journal: journal, clock: ManualClock(now: t0))

        let results = await withTaskGroup(of: (BookingID, [String]?, SeatEngineError?).self) { group in
            for request in requests {
                group.addTask {
                    do throws(SeatEngineError) {
                        let locked = try await actor.lockBest(
                            booking: request.booking, user: "user-\(request.booking)", count: request.count, category: request.category,
                            accessible: request.accessible, holdFor: .seconds(300))
                        return (request.booking, locked.hold.seats, nil)
                    } catch {
                        return (request.booking, nil, error)
                    }
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }

        let successes = results.compactMap { result in result.1.map { (result.0, $0) } }
        let refusals = results.compactMap(\.2)
        #expect(refusals.allSatisfy { if case .seatsNotTogether = $0 { true } else { $0 == .journalFailed } })
        let failures = refusals.count { $0 == .journalFailed }
        if failureRate == 0 {
            #expect(successes.count > 30 && refusals.count > 1, "the hall filled up: \(successes.count) successes")
        } else {
            // In-flight holds take seats until their commit concludes, and a failed commit fails every change queued
            // behind it: few locks may stand, but the journal must have failed some.
            #expect(failures > 0, "the journal never failed")
        }

        let map = await actor.seatMap
        #expect(invariantViolations(of: map).isEmpty)
        var owner: [String: BookingID] = [:]
        for (booking, seats) in successes {
            for seat in seats { #expect(owner.updateValue(booking, forKey: seat) == nil, "\(seat) went to two bookings") }
            let positions = seats.map { plan.seats.firstIndex(of: $0)! }
            #expect(zip(positions, positions.dropFirst()).allSatisfy { plan.areNeighbours($0, $1) }, "\(seats) are not side by side")
            #expect(map.hold(for: booking)?.seats == seats)
        }
        #expect(Set(map.holds.map(\.booking)) == Set(successes.map(\.0)))
        #expect(map.version == Int64(successes.count), "every durable change is one successful lock")
    }
}
