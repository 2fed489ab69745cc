import BoxOfficeTestSupport
import SeatEngine
import Testing

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Counts how often each show was loaded.
actor LoadCounter {
    private(set) var loads: [ShowID: Int] = [:]

    func count(_ show: ShowID) {
        loads[show, default: 0] += 1
    }
}

@Suite("ShowDirectory directory", .timeLimit(.minutes(1)))
struct ShowDirectoryTests {
    func directory(clock: ManualClock, counter: LoadCounter, journal: MemoryJournal) -> ShowDirectory {
        ShowDirectory(clock: clock) { show in
            await counter.count(show)
            // Slow enough that concurrent first requests overlap.
            try await Task.sleep(for: .milliseconds(50))
            guard show.hasPrefix("show-") else { return nil }
            return try await ShowActor(show: show, seats: layout(rows: 2, columns: 2), journal: journal, clock: clock)
        }
    }

    @Test("concurrent first requests for one show load it once and get the same actor")
    func singleFlightLoading() async throws {
        let counter = LoadCounter()
        let actors = directory(clock: ManualClock(now: t0), counter: counter, journal: MemoryJournal())
        let loaded = try await withThrowingTaskGroup(of: ShowActor?.self) { group in
            for _ in 0..<20 { group.addTask { try await actors.actor(for: "show-1") } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let first = try #require(loaded.first ?? nil)
        #expect(loaded.allSatisfy { $0 === first })
        #expect(await counter.loads == ["show-1": 1])
        #expect(await actors.loaded == 1)
        #expect(try await actors.actor(for: "show-1") === first)
        #expect(await counter.loads == ["show-1": 1])
    }

    @Test("an unknown show answers nil and is not cached")
    func unknownShow() async throws {
        let counter = LoadCounter()
        let actors = directory(clock: ManualClock(now: t0), counter: counter, journal: MemoryJournal())
        #expect(try await actors.actor(for: "nope") == nil)
        #expect(try await actors.actor(for: "nope") == nil)
        #expect(await counter.loads == ["nope": 2])
        #expect(await actors.loaded == 0)
    }

    @Test("evictIdle drops idle actors but keeps those with live holds or recent use")
    func evictsIdleActors() async throws {
        let clock = ManualClock(now: t0)
        let actors = directory(clock: clock, counter: LoadCounter(), journal: MemoryJournal())
        let holding = try #require(try await actors.actor(for: "show-1"))
        _ = try await actors.actor(for: "show-2")
        try await holding.lock(booking: "b1", user: "u1", seats: ["A1"], holdFor: .seconds(3600))
        #expect(await actors.evictIdle(idleFor: .seconds(600)).isEmpty, "nothing is idle yet")
        clock.advance(by: 601)
        _ = try await actors.actor(for: "show-3")
        #expect(await actors.evictIdle(idleFor: .seconds(600)) == ["show-2"])
        #expect(await actors.loaded == 2)
        #expect(try await actors.actor(for: "show-1") === holding)
        await actors.shutdown()
        #expect(await actors.loaded == 0)
        await #expect(throws: CancellationError.self) { try await actors.actor(for: "show-1") }
    }
}
