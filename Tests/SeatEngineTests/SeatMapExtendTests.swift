import BoxOfficeTestSupport
import Foundation
import SeatEngine
import Testing

@Suite("SeatMap: honest holds")
struct SeatMapExtendTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    @Test("extend moves the expiry by the hold time up to start + 3 × hold; a replacing lock keeps expiry and start")
    func extendAndReplace() throws {
        var map = try SeatMap(show: "s", seats: ["A1", "A2", "A3"])
        _ = try map.lock(booking: "b1", user: "u", seats: ["A1"], expiresAt: start + 300, now: start)
        let replaced = try map.lock(booking: "b2", user: "u", seats: ["A2"], expiresAt: start + 400, now: start + 100)
        guard case .locked(let hold, _) = replaced.effect else { Issue.record("not a lock"); return }
        #expect(hold.expiresAt == start + 300 && hold.startedAt == start)
        #expect(try map.extend(booking: "b2", holdTime: 300, now: start + 200).hold.expiresAt == start + 600)
        #expect(try map.extend(booking: "b2", holdTime: 300, now: start + 250).hold.expiresAt == start + 900)
        #expect(throws: SeatEngineError.extensionLimit(until: start + 900)) { try map.extend(booking: "b2", holdTime: 300, now: start + 300) }
        #expect(throws: SeatEngineError.holdExpired) { try map.extend(booking: "b2", holdTime: 300, now: start + 901) }
        #expect(throws: SeatEngineError.holdNotFound) { try map.extend(booking: "b1", holdTime: 300, now: start + 200) }
        #expect(map.version == 2, "extensions change no seat")
    }

    @Test("an extension the journal cannot write is undone in the actor")
    func failedExtension() async throws {
        let journal = MemoryJournal()
        let actor = try await ShowActor(show: "s", seats: ["A1", "A2"], journal: journal, clock: ManualClock(now: start))
        let locked = try await actor.lock(booking: "b", user: "u", seats: ["A1"], holdFor: .seconds(300))
        await journal.book.failNext()
        await #expect(throws: SeatEngineError.journalFailed) { try await actor.extend(booking: "b", holdFor: .seconds(300)) }
        #expect(await actor.hold(for: "b")?.expiresAt == locked.hold.expiresAt)
        let extended = try await actor.extend(booking: "b", holdFor: .seconds(300))
        #expect(extended.expiresAt == locked.hold.expiresAt + 300)
        #expect(await journal.book.extensions.map(\.expiresAt) == [extended.expiresAt])
    }
}
