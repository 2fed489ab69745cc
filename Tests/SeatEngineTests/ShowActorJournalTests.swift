import BoxOfficeTestSupport
import SeatEngine
import Testing

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

@Suite("ShowActor: journal, publishing, rollback", .timeLimit(.minutes(1)))
struct ShowActorJournalTests {
    let seats = layout(rows: 3, columns: 4)

    func makeActor(_ journal: MemoryJournal, state: SeatMapState = SeatMapState()) async throws -> ShowActor {
        try await ShowActor(show: "show-1", seats: seats, state: state, journal: journal, clock: ManualClock(now: t0))
    }

    @Test("every change is committed, then published once, in version order, before the call returns")
    func publishesInOrder() async throws {
        let journal = MemoryJournal()
        var feed = journal.publishedChanges.makeAsyncIterator()
        let actor = try await makeActor(journal)
        let locked = try await actor.lock(booking: "b1", user: "u1", seats: ["A1", "A2"], holdFor: .seconds(300))
        #expect(locked.hold.expiresAt == t0 + 300 && locked.replaced == nil)
        try await actor.pay(booking: "b1")
        try await actor.lock(booking: "b2", user: "u2", seats: ["B1"], holdFor: .seconds(300))
        try await actor.release(booking: "b2")
        try await actor.cancel(booking: "b1")
        let published = await take(5, from: &feed)
        #expect(published.map(\.version) == [1, 2, 3, 4, 5])
        #expect(published.map(\.cause) == [.lock, .book, .lock, .release, .cancel])
        #expect(await journal.book.durable == published)
        #expect(await actor.version == 5)
        #expect(await actor.counts() == SeatCounts(version: 5, available: 12, held: 0, booked: 0, total: 12))
    }

    @Test("when commits resume out of order, v is still published before v + 1")
    func outOfOrderResumption() async throws {
        let journal = MemoryJournal(mode: .gated)
        var feed = journal.publishedChanges.makeAsyncIterator()
        let actor = try await makeActor(journal)
        async let first = actor.lock(booking: "b1", user: "u1", seats: ["A1"], holdFor: .seconds(60))
        await journal.book.waitForQueued(1)
        async let second = actor.lock(booking: "b2", user: "u2", seats: ["A2"], holdFor: .seconds(60))
        await journal.book.waitForQueued(2)
        await journal.book.write()
        await journal.book.resume(versions: [2, 1])
        let (one, two) = try await (first, second)
        #expect(one.change.version == 1 && two.change.version == 2)
        let published = await take(2, from: &feed)
        #expect(published.map(\.version) == [1, 2])
        #expect(await actor.snapshot().held == ["A1", "A2"])
    }

    @Test("concluded() waits for every change applied before it, and not for later ones")
    func concludedWaitsForInFlight() async throws {
        let journal = MemoryJournal(mode: .gated)
        let actor = try await makeActor(journal)
        await actor.concluded()  // nothing in flight: returns at once
        async let locking = actor.lock(booking: "b1", user: "u1", seats: ["A1"], holdFor: .seconds(60))
        await journal.book.waitForQueued(1)
        let waiter = Task { await actor.concluded(); return await actor.snapshot().held }
        try await Task.sleep(for: .milliseconds(50))
        // A later change does not hold the waiter back once the earlier one concluded.
        async let later = actor.lock(booking: "b2", user: "u2", seats: ["A2"], holdFor: .seconds(60))
        await journal.book.waitForQueued(2)
        await journal.book.writeFirst()
        await journal.book.resume(versions: [1])
        #expect(await waiter.value == ["A1"], "the waiter saw v1 durable, and v2 still in flight")
        _ = try await locking
        await journal.book.write()
        await journal.book.resume(versions: [2])
        _ = try await later
    }

    @Test("queries show only durable state: a change in flight is invisible until committed")
    func queriesHideInFlightChanges() async throws {
        let journal = MemoryJournal(mode: .gated)
        let actor = try await makeActor(journal)
        async let locking = actor.lock(booking: "b1", user: "u1", seats: ["A1"], holdFor: .seconds(60))
        await journal.book.waitForQueued(1)
        #expect(await actor.version == 0)
        #expect(await actor.snapshot().held.isEmpty)
        #expect(await actor.hold(for: "b1") == nil)
        await journal.book.write()
        await journal.book.resume(versions: [1])
        _ = try await locking
        #expect(await actor.version == 1)
        #expect(await actor.snapshot().held == ["A1"])
    }

    @Test("a failed commit is undone: the caller gets journalFailed, state and version are as before, nothing is published")
    func failedCommitRollsBack() async throws {
        let journal = MemoryJournal()
        var feed = journal.publishedChanges.makeAsyncIterator()
        let seed = SeatMapState(
            version: 7, holds: [Hold(booking: "old", user: "u1", seats: ["A1"], expiresAt: t0 + 60)],
            booked: ["k1": ["C1"]])
        let actor = try await makeActor(journal, state: seed)
        let before = MapFingerprint(await actor.seatMap)

        await journal.book.failNext()
        await #expect(throws: SeatEngineError.journalFailed) {
            try await actor.lock(booking: "new", user: "u1", seats: ["A2", "B1"], holdFor: .seconds(60))
        }
        #expect(MapFingerprint(await actor.seatMap) == before)
        #expect(await actor.version == 7)

        await journal.book.failNext()
        await #expect(throws: SeatEngineError.journalFailed) { try await actor.cancel(booking: "k1") }
        #expect(MapFingerprint(await actor.seatMap) == before)

        // The next change reuses the version the failed one had: published versions stay gap-free.
        try await actor.release(booking: "old")
        let published = await take(1, from: &feed)
        #expect(published.map(\.version) == [8] && published.first?.cause == .release)
        #expect(await journal.book.durable == published)
    }

    @Test(
        "a failure rolls back every later change still in flight; all their callers get journalFailed, whatever the resumption order",
        arguments: [[4, 3, 2], [2, 3, 4], [3, 2, 4]] as [[Int64]])
    func failureRollsBackLaterChanges(resumptionOrder: [Int64]) async throws {
        let journal = MemoryJournal(mode: .gated)
        var feed = journal.publishedChanges.makeAsyncIterator()
        let actor = try await makeActor(journal)
        try await committed(journal) { try await actor.lock(booking: "b0", user: "u0", seats: ["C4"], holdFor: .seconds(60)) }
        let before = MapFingerprint(await actor.seatMap)

        async let first = actor.lock(booking: "b1", user: "u1", seats: ["A1"], holdFor: .seconds(60))
        await journal.book.waitForQueued(1)
        async let second = actor.lock(booking: "b2", user: "u2", seats: ["A2"], holdFor: .seconds(60))
        await journal.book.waitForQueued(2)
        async let third = actor.release(booking: "b0")
        await journal.book.waitForQueued(3)
        await journal.book.failNext()
        await journal.book.write()
        await journal.book.resume(versions: resumptionOrder)
        var errors: [SeatEngineError?] = []
        do {
            _ = try await first
            errors.append(nil)
        } catch { errors.append(error as? SeatEngineError) }
        do {
            _ = try await second
            errors.append(nil)
        } catch { errors.append(error as? SeatEngineError) }
        do {
            _ = try await third
            errors.append(nil)
        } catch { errors.append(error as? SeatEngineError) }
        #expect(errors == [.journalFailed, .journalFailed, .journalFailed])
        #expect(MapFingerprint(await actor.seatMap) == before)
        #expect(await actor.version == 1)

        try await committed(journal) { try await actor.lock(booking: "b3", user: "u3", seats: ["A1"], holdFor: .seconds(60)) }
        let published = await take(2, from: &feed)
        #expect(published.map(\.version) == [1, 2])
        #expect(await journal.book.durable == published)
        #expect(await journal.book.orderViolations.isEmpty)
    }

    @Test("changes in flight behind one the journal refused (a hold another node charges) are undone unjudged: their callers are told to ask again (stale), not that the journal failed")
    func refusalUndoesLaterChangesAsStale() async throws {
        let journal = MemoryJournal(mode: .gated)
        let actor = try await makeActor(journal)
        try await committed(journal) { try await actor.lock(booking: "b0", user: "u0", seats: ["C4"], holdFor: .seconds(60)) }

        async let refused = actor.release(booking: "b0")  // b0's card is being charged on another node
        await journal.book.waitForQueued(1)
        async let behind = actor.lock(booking: "b2", user: "u2", seats: ["A2"], holdFor: .seconds(60))
        await journal.book.waitForQueued(2)
        await journal.book.failNext(refusing: true)
        await journal.book.write()
        // The refusal's caller resumes first (the journal answers a batch's entries in order); resumed the other way,
        // the change behind it hears only that it was not written (`BookingService.retryingStale` asks it once more).
        await journal.book.resume(versions: [2, 3])
        var errors: [SeatEngineError?] = []
        do {
            _ = try await refused
            errors.append(nil)
        } catch { errors.append(error as? SeatEngineError) }
        do {
            _ = try await behind
            errors.append(nil)
        } catch { errors.append(error as? SeatEngineError) }
        #expect(errors == [.paymentInProgress, .stale])
        #expect(!actor.isStale, "a refusal of a hold being paid for does not make the copy out of date")
        // Asked again, the lock stands.
        try await committed(journal) { try await actor.lock(booking: "b2", user: "u2", seats: ["A2"], holdFor: .seconds(60)) }
        #expect(await actor.snapshot().held.sorted() == ["A2", "C4"])
    }

    @Test("a success for v + 1 publishes v too; a failure of v + 1 alone keeps v")
    func laterFailureKeepsEarlierChange() async throws {
        let journal = MemoryJournal(mode: .gated)
        let actor = try await makeActor(journal)
        async let first = actor.lock(booking: "b1", user: "u1", seats: ["A1"], holdFor: .seconds(60))
        await journal.book.waitForQueued(1)
        async let second = actor.lock(booking: "b2", user: "u2", seats: ["A2"], holdFor: .seconds(60))
        await journal.book.waitForQueued(2)
        // Write v1 alone, then fail v2.
        await journal.book.writeFirst()
        await journal.book.failNext()
        await journal.book.write()
        await journal.book.resume(versions: [2, 1])
        let one = try await first
        var secondError: SeatEngineError?
        do { _ = try await second } catch { secondError = error as? SeatEngineError }
        #expect(secondError == .journalFailed)
        #expect(one.change.version == 1)
        #expect(await actor.snapshot() == SeatSnapshot(version: 1, available: seats.filter { $0 != "A1" }, held: ["A1"], booked: []))
    }

    /// Runs `operation` against a gated journal, writing and resuming its one commit.
    @discardableResult
    func committed<T: Sendable>(_ journal: MemoryJournal, _ operation: @Sendable () async throws -> T) async throws -> T {
        async let result = operation()
        await journal.book.waitForQueued(1)
        await journal.book.write()
        await journal.book.resumeAll()
        return try await result
    }
}
