@testable import BoxOffice
import BoxOfficeStore
import BoxOfficeTestSupport
import SeatEngine
import Synchronization
import TestDatabases
import Testing

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A hold's time as the database has it, across nodes (docs/CLUSTER.md): another node's copy of the show knows the hold
/// as it was when it loaded it, and neither an extension (no seat changes, so no new version) nor a charge in progress
/// (a pin in the charging node's memory) tells it otherwise. Its expiry timer must not end such a hold: the journal
/// refuses the expiry (`PostgresJournalWrites.ensureDue`), the copy is loaded again, and the hold ends when the
/// database says. Needs the test cluster (`BOXOFFICE_TEST_POSTGRES_URL`).
@Suite("Expiry across nodes", .enabled(if: TestPostgres.urlText != nil, "needs the PostgreSQL test cluster"))
struct ExpiryAcrossNodesTests {
    @Test("a hold extended on one node is not expired at its old time by another node's copy, which hears of the extension; it expires at its new time")
    func extendedElsewhere() async throws {
        try await withNodes(2) { nodes in
            let (a, b) = (nodes[0], nodes[1])
            let ann = try await a.user("Ann")
            let hold = try await a.lock(ann, ["A2"])
            // B loads the show now: its copy has Ann's hold with its first expiry, and a timer for it.
            #expect(try await b.bookings.snapshot(showId: b.show.id)?.held == ["A2"])
            let copy = try await b.bookings.showActor(b.show.id)
            a.clock.advance(by: 200)
            let extended = try await a.bookings.extend(userId: ann, bookingId: hold.id)
            #expect(extended.expiresAt > hold.expiresAt.addingTimeInterval(100))
            // The extension's notice reaches B's copy (migration v20): its hold runs until the new time.
            _ = await eventually { await copy.hold(for: hold.id)?.expiresAt == extended.expiresAt }
            #expect(await copy.hold(for: hold.id)?.expiresAt == extended.expiresAt)

            // The first expiry comes and goes on B: the hold stays, and the copy stays current.
            b.clock.advance(by: Double(ServiceFixture.holdSeconds) + 1)
            try await Task.sleep(for: .milliseconds(100))
            #expect(try await a.status(of: hold.id) == .pending)
            #expect(try await a.stores.bookings.booking(id: hold.id)?.expiresAt == extended.expiresAt)
            #expect(!copy.isStale)
            #expect(try await b.bookings.sweepOverdueHolds() == 0)  // not due by the database's account
            // B expires the hold at its new time (A, where it was taken, says nothing here).
            b.clock.advance(by: extended.expiresAt.timeIntervalSince(b.clock.now) + SeatMap.followerGrace + 1)
            _ = try await b.bookings.sweepOverdueHolds()  // or B's timer, whichever comes first
            _ = try await eventually(timeout: .seconds(2)) { (try await a.status(of: hold.id)) == .expired }
            #expect(try await a.status(of: hold.id) == .expired)
            #expect(try await b.durableSeats().holds.isEmpty)
        }
    }

    @Test("a hold extended on one node, then on another whose copy has the old expiry: both extensions count")
    func extendedOnTwoNodes() async throws {
        try await withNodes(2) { nodes in
            let (a, b) = (nodes[0], nodes[1])
            let ann = try await a.user("Ann")
            let hold = try await a.lock(ann, ["A4"])
            #expect(try await b.bookings.snapshot(showId: b.show.id)?.held == ["A4"])  // B's copy: the first expiry
            let hour = Double(ServiceFixture.holdSeconds)
            let first = try await a.bookings.extend(userId: ann, bookingId: hold.id)
            #expect(first.expiresAt == hold.expiresAt.addingTimeInterval(hour))
            // B computes from the expiry it loaded; the database has moved on: B loads the hold again and extends that.
            let second = try await b.bookings.extend(userId: ann, bookingId: hold.id)
            #expect(second.expiresAt == hold.expiresAt.addingTimeInterval(2 * hour), "\(second.expiresAt) vs \(hold.expiresAt)")
            let stored = try #require(try await a.stores.bookings.booking(id: hold.id)?.expiresAt)
            #expect(abs(stored.timeIntervalSince(hold.expiresAt.addingTimeInterval(2 * hour))) < 0.001, "stored \(stored)")
            // The cap (three hold times from the start) holds across nodes too.
            await #expect(throws: BoxOfficeError.self) { _ = try await a.bookings.extend(userId: ann, bookingId: hold.id) }
        }
    }

    @Test("a hold whose card is being charged on one node is not expired by another node; the charge confirms it")
    func chargedElsewhere() async throws {
        try await withNodes(2) { nodes in
            let (a, b) = (nodes[0], nodes[1])
            let ann = try await a.user("Ann")
            let hold = try await a.lock(ann, ["B3", "B4"])
            #expect(try await b.bookings.snapshot(showId: b.show.id)?.held == ["B3", "B4"])
            // Ten seconds before the hold runs out, Ann pays.
            a.clock.advance(by: Double(ServiceFixture.holdSeconds) - 10)
            b.clock.advance(by: Double(ServiceFixture.holdSeconds) - 10)
            let (gateway, paying) = try await a.startPaying(ann, hold)

            // The hold's time runs out on both nodes while the processor thinks (12 s: well within a charge's time).
            let firstCopy = try await b.bookings.showActor(b.show.id)
            a.clock.advance(by: 12)
            b.clock.advance(by: 12)
            _ = try await eventually(timeout: .seconds(2)) {
                if firstCopy.isStale { return true }
                return try await a.status(of: hold.id) != .pending
            }
            #expect(try await a.status(of: hold.id) == .pending)
            #expect(firstCopy.isStale, "B's copy was not found out of date")
            #expect(try await b.bookings.sweepOverdueHolds() == 0)  // being paid for: not B's to end
            #expect(try await a.status(of: hold.id) == .pending)

            try await a.approve(gateway, paying, confirming: hold)
            _ = try await eventually(timeout: .seconds(2)) { try await b.bookings.snapshot(showId: b.show.id)?.booked == ["B3", "B4"] }
            #expect(try await b.bookings.snapshot(showId: b.show.id)?.booked == ["B3", "B4"])
        }
    }
}

extension ExpiryAcrossNodesTests {
    @Test("while a hold's card is charged on one node, another node refuses to cancel or replace it (409 payment_in_progress), as the charging node would")
    func cancelWhileChargedElsewhere() async throws {
        try await withNodes(2) { nodes in
            let (a, b) = (nodes[0], nodes[1])
            let ann = try await a.user("Ann")
            let hold = try await a.lock(ann, ["A1"])
            let (gateway, paying) = try await a.startPaying(ann, hold)

            // Ann, in another tab served by node B, cancels, then picks other seats (which would replace the hold).
            await #expect { _ = try await b.bookings.cancel(userId: ann, bookingId: hold.id) } throws: { error in
                (error as? BoxOfficeError)?.code == "payment_in_progress"
            }
            await #expect { _ = try await b.lock(ann, ["B1"]) } throws: { error in
                (error as? BoxOfficeError)?.code == "payment_in_progress"
            }
            #expect(try await a.status(of: hold.id) == .pending)
            #expect(try await b.durableSeats().holds.map(\.seats) == [["A1"]])

            try await a.approve(gateway, paying, confirming: hold)
            // Once paid, B cancels the confirmed booking as usual (refunded).
            let cancelled = try await b.bookings.cancel(userId: ann, bookingId: hold.id)
            #expect(cancelled.bookingStatus == .cancelled)
        }
    }
}
