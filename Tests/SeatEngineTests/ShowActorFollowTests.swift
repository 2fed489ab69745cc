import BoxOfficeTestSupport
import SeatEngine
import Synchronization
import Testing

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A copy hears another writer's change while its own is still being written (the notice can come before the commit's
/// answer): it applies it once its own has concluded, and is out of date only if its own failed.
@Suite("ShowActor: following while its own changes are written")
struct ShowActorFollowTests {
    let seats = ["A1", "A2", "A3", "A4"]

    func makeActor(_ journal: MemoryJournal) async throws -> ShowActor {
        try await ShowActor(show: "show-1", seats: seats, journal: journal, clock: ManualClock(now: t0))
    }

    static let theirs = FollowedEffect.locked(Hold(booking: "theirs", user: "u9", seats: ["A3"], expiresAt: t0 + 300, startedAt: t0), replacing: nil)

    @Test("heard during its own commit: applied once that commit is durable, and the copy goes on")
    func afterOwnCommit() async throws {
        let journal = MemoryJournal(mode: .gated)
        let actor = try await makeActor(journal)
        async let mine = actor.lock(booking: "mine", user: "u1", seats: ["A1"], holdFor: .seconds(300))
        await journal.book.waitForQueued(1)
        #expect(await actor.follow(version: 2, effect: Self.theirs), "kept for later")
        #expect(!(await actor.follow(version: 4, effect: .ended(["theirs"]))), "a version skipped: out of date")
        #expect(await actor.version == 0)
        await journal.book.write()
        await journal.book.resumeAll()
        _ = try await mine
        #expect(await actor.version == 2)
        #expect(await actor.snapshot().held == ["A1", "A3"])
        #expect(!actor.isStale)
        // Its next change builds on the followed one.
        async let next = actor.lock(booking: "next", user: "u2", seats: ["A4"], holdFor: .seconds(300))
        await journal.book.waitForQueued(1)
        await journal.book.write()
        await journal.book.resumeAll()
        #expect(try await next.change.version == 3)
    }

    @Test("heard during its own commit, which then fails: the copy is out of date, the change not applied")
    func afterOwnFailure() async throws {
        let journal = MemoryJournal(mode: .gated)
        let actor = try await makeActor(journal)
        let mine = Task { try await actor.lock(booking: "mine", user: "u1", seats: ["A1"], holdFor: .seconds(300)) }
        await journal.book.waitForQueued(1)
        #expect(await actor.follow(version: 2, effect: Self.theirs))
        await journal.book.failNext()
        await journal.book.write()
        await journal.book.resumeAll()
        await #expect(throws: SeatEngineError.self) { _ = try await mine.value }
        #expect(actor.isStale)
        #expect(await actor.snapshot().held == [])
        #expect(!(await actor.follow(version: 1, effect: Self.theirs)), "a stale copy follows nothing")
    }

    @Test("a notice decided in one step: its own version in flight, then known; another's next version followed; one past it marks the copy out of date")
    func hearing() async throws {
        let journal = MemoryJournal(mode: .gated)
        let actor = try await makeActor(journal)
        let reads = ReadCounter()
        async let mine = actor.lock(booking: "mine", user: "u1", seats: ["A1"], holdFor: .seconds(300))
        await journal.book.waitForQueued(1)
        #expect(await actor.version == 0, "the durable version, with version 1 still being written")
        #expect(await actor.latestVersion == 1)
        #expect(await actor.hear(version: 1, effect: reads.effect(Self.theirs)) == .ownInFlight)
        #expect(reads.count == 0, "no effect is read for a version the copy has made")
        await journal.book.write()
        await journal.book.resumeAll()
        _ = try await mine
        #expect(await actor.version == 1)
        #expect(await actor.hear(version: 1, effect: reads.effect(Self.theirs)) == .known)
        #expect(await actor.hear(version: 2, effect: reads.effect(Self.theirs)) == .followed)
        #expect(reads.count == 1)
        #expect(await actor.snapshot().held == ["A1", "A3"])
        #expect(await actor.hear(version: 4, effect: reads.effect(.ended(["theirs"]))) == .outOfDate(markedStale: true))
        #expect(reads.count == 1, "a version past the next one is not read: the copy is loaded again")
        #expect(actor.isStale)
        #expect(await actor.hear(version: 5, effect: reads.effect(.ended(["theirs"]))) == .outOfDate(markedStale: false))
    }

    @Test("while changes of its own are written: the durable version is the one before them; another's next version is kept; without its effect the copy is out of date")
    func hearingDuringOwnChanges() async throws {
        let journal = MemoryJournal(mode: .gated)
        let actor = try await makeActor(journal)
        async let first = actor.lock(booking: "first", user: "u1", seats: ["A1"], holdFor: .seconds(300))
        await journal.book.waitForQueued(1)
        async let second = actor.lock(booking: "second", user: "u2", seats: ["A2"], holdFor: .seconds(300))
        await journal.book.waitForQueued(2)
        #expect(await actor.version == 0, "versions 1 and 2 still being written")
        #expect(await actor.seatMap.version == 0)
        #expect(await actor.latestVersion == 2)
        #expect(await actor.hear(version: 2, effect: { Self.theirs }) == .ownInFlight)
        #expect(await actor.hear(version: 3, effect: { Self.theirs }) == .followed, "kept until its own have concluded")
        await journal.book.write()
        await journal.book.resumeAll()
        _ = try await first
        _ = try await second
        #expect(await actor.version == 3)
        #expect(await actor.snapshot().held == ["A1", "A2", "A3"])
        #expect(await actor.hear(version: 4, effect: { nil }) == .outOfDate(markedStale: true), "a notice without its change")
        #expect(actor.isStale)
    }
}

/// Counts how often a notice's effect is read.
private final class ReadCounter: Sendable {
    private let reads = Mutex(0)
    var count: Int { reads.withLock { $0 } }

    func effect(_ effect: FollowedEffect) -> @Sendable () -> FollowedEffect? {
        { [self] in
            reads.withLock { $0 += 1 }
            return effect
        }
    }
}
