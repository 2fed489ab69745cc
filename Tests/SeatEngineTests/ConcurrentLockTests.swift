import BoxOfficeTestSupport
import SeatEngine
import Testing

@Suite("Concurrent locks", .timeLimit(.minutes(2)))
struct ConcurrentLockTests {
    @Test(
        "200 tasks racing for overlapping seats: no seat in two bookings, and the successes are exactly what the map holds",
        arguments: [0.0, 0.25])
    func racingLocks(failureRate: Double) async throws {
        let seats = layout(rows: 3, columns: 10)
        var random = SplitMix64(seed: 42)
        let requests: [(booking: BookingID, seats: [String])] = (0..<200).map { index in
            ("b\(index)", Array(seats.shuffled(using: &random).prefix(Int.random(in: 1...4, using: &random))))
        }
        let journal = MemoryJournal(failureRate: failureRate, seed: 7)
        var feed = journal.publishedChanges.makeAsyncIterator()
        let actor = try await ShowActor(show: "show-c", seats: seats, journal: journal, clock: ManualClock(now: t0))

        let results = await withTaskGroup(of: (BookingID, [String], SeatEngineError?).self) { group in
            for request in requests {
                group.addTask {
                    do throws(SeatEngineError) {
                        let locked = try await actor.lock(
                            booking: request.booking, user: "user-\(request.booking)",
                            seats: request.seats, holdFor: .seconds(300))
                        return (request.booking, locked.hold.seats, nil)
                    } catch {
                        return (request.booking, request.seats, error)
                    }
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }

        let successes = results.filter { $0.2 == nil }
        let refusals = results.compactMap(\.2)
        #expect(refusals.allSatisfy { if case .unavailable = $0 { true } else { $0 == .journalFailed } })
        #expect(successes.count > 1 && refusals.count > 1, "the race had winners and losers")

        let map = await actor.seatMap
        #expect(invariantViolations(of: map).isEmpty)
        #expect(Set(map.holds.map(\.booking)) == Set(successes.map(\.0)))
        for (booking, held, _) in successes { #expect(map.hold(for: booking)?.seats == held) }
        #expect(map.counts.held == successes.reduce(0) { $0 + $1.1.count })
        #expect(map.version == Int64(successes.count), "every durable change is one successful lock")

        let published = await take(Int(map.version), from: &feed)
        #expect(published.map(\.version) == Array(1...map.version))
        #expect(published.allSatisfy { $0.cause == .lock })
        #expect(await journal.book.durable == published)
        #expect(await journal.book.orderViolations.isEmpty)
        if failureRate > 0 {
            let failures = await journal.book.failures
            #expect(failures > 0, "the journal never failed")
            #expect(refusals.count(where: { $0 == .journalFailed }) == failures)
        }
    }
}
