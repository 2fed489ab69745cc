@testable import BoxOffice
import BoxOfficeStore
import BoxOfficeTestSupport
import SeatEngine
import TestDatabases
import Testing

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A payment's confirmation when another node wrote the show while the card was charged (docs/CLUSTER.md). The
/// charging node's copy is then out of date, and the journal refuses its confirmation as such; the approved charge must
/// still book the seats — on the show loaded again, the hold pinned there for the charge — not be voided with a 503.
/// The nodes here hear nothing of each other (`following: false`): the notice of the other node's change came too late,
/// as it may under load. Needs the test cluster (`BOXOFFICE_TEST_POSTGRES_URL`).
@Suite("Payments across nodes", .enabled(if: TestPostgres.urlText != nil, "needs the PostgreSQL test cluster"))
struct PaymentAcrossNodesTests {
    @Test("a charge approved after another node wrote the show books the seats on the show loaded again; nothing is voided")
    func confirmedAfterAnotherNodesChange() async throws {
        try await withNodes(2, following: false) { nodes in
            let (a, b) = (nodes[0], nodes[1])
            let ann = try await a.user("Ann")
            let bob = try await b.user("Bob")
            let hold = try await a.lock(ann, ["A1", "A2"])
            let (gateway, paying) = try await a.startPaying(ann, hold)
            let pinnedCopy = try await a.bookings.showActor(a.show.id)

            // While Ann's card is charged on A, Bob takes a seat on B: the show's next version is B's.
            let bobs = try await b.lock(bob, ["B1"])
            try await a.approve(gateway, paying, confirming: hold)
            #expect(pinnedCopy.isStale, "A's copy was never refused, so this test did not meet the case it is for")
            #expect(try await a.status(of: bobs.id) == .pending)
            let durable = try await a.durableSeats()
            #expect(durable.booked[hold.id]?.sorted() == ["A1", "A2"])
            #expect(durable.holds.map(\.seats) == [["B1"]])
            #expect(try await a.bookings.snapshot(showId: a.show.id)?.booked == ["A1", "A2"])
            #expect(try await a.bookings.snapshot(showId: a.show.id)?.held == ["B1"])
        }
    }

    @Test("so too when the hold's time ran out during the charge: the copy loaded again keeps the hold pinned, and does not expire it")
    func confirmedPastTheHoldsTime() async throws {
        try await withNodes(2, following: false) { nodes in
            let (a, b) = (nodes[0], nodes[1])
            let ann = try await a.user("Ann")
            let bob = try await b.user("Bob")
            let hold = try await a.lock(ann, ["B3"])
            // Five seconds before the hold runs out, Ann pays; the processor takes ten.
            a.clock.advance(by: Double(ServiceFixture.holdSeconds) - 5)
            b.clock.advance(by: Double(ServiceFixture.holdSeconds) - 5)
            let (gateway, paying) = try await a.startPaying(ann, hold)
            let bobs = try await b.lock(bob, ["A4"])
            a.clock.advance(by: 10)
            b.clock.advance(by: 10)
            // B's copy has Ann's hold due; the database refuses to end it while it is charged.
            #expect(try await b.bookings.sweepOverdueHolds() == 0)
            // A hears of Bob's lock (as its listener would say) and loads the show again: the hold is past its time,
            // and the new copy knows it is being charged here.
            await a.bookings.committedElsewhere(show: a.show.id, version: 2)
            let reloaded = try #require(try await a.bookings.snapshot(showId: a.show.id))
            #expect(reloaded.held.sorted() == ["A4", "B3"])
            let copy = try await a.bookings.showActor(a.show.id)
            #expect(await copy.seatMap.isPinned(hold.id), "the copy loaded during the charge does not know of it")
            try await Task.sleep(for: .milliseconds(50))  // time for a wrongly armed expiry timer to fire
            #expect(!copy.isStale, "the copy tried to expire the hold being charged (the database refused)")
            #expect(try await a.status(of: hold.id) == .pending)

            try await a.approve(gateway, paying, confirming: hold)
            #expect(try await a.status(of: bobs.id) == .pending)
            #expect(try await a.durableSeats().booked[hold.id] == ["B3"])
        }
    }

    @Test("a declined charge on a copy loaded during it leaves no pin behind: a new attempt is not refused as in progress")
    func declinedLeavesNoPin() async throws {
        try await withNodes(2, following: false) { nodes in
            let (a, b) = (nodes[0], nodes[1])
            let ann = try await a.user("Ann")
            let bob = try await b.user("Bob")
            let hold = try await a.lock(ann, ["A3"])
            let (gateway, paying) = try await a.startPaying(ann, hold)
            _ = try await b.lock(bob, ["B2"])
            // A hears of B's change (as its listener would say) and loads the show again during the charge.
            let pinnedCopy = try await a.bookings.showActor(a.show.id)
            await a.bookings.committedElsewhere(show: a.show.id, version: 2)
            #expect(pinnedCopy.isStale)
            let reloaded = try await a.bookings.showActor(a.show.id)
            #expect(await reloaded.seatMap.isPinned(hold.id))

            gateway.decline()
            await #expect(throws: BoxOfficeError.self) { _ = try await paying.value }
            #expect(await !reloaded.seatMap.isPinned(hold.id), "the copy loaded during the charge kept the hold pinned")
            // Ann tries again on A: pinned by nobody, charged (UPI, approved).
            let paid = try await a.pay(ann, hold)
            #expect(paid.paymentStatus == .completed)
        }
    }

    @Test("a node starting while another charges a card leaves that charge alone; a charge left processing past its time is failed, then voided, by any node")
    func startingNodeLeavesChargesInProgress() async throws {
        try await withNodes(2) { nodes in
            let (a, b) = (nodes[0], nodes[1])
            let ann = try await a.user("Ann")
            let bob = try await a.user("Bob")
            let hold = try await a.lock(ann, ["A1"])
            let (gateway, paying) = try await a.startPaying(ann, hold)

            // Node B (re)starts a second later: its recovery voids what a stop interrupted — not A's charge.
            b.clock.advance(by: 1)
            let bGateway = GatedGateway(holdingVoids: true)
            let restarted = PaymentService(booking: b.bookings, payments: b.stores.payments, journal: b.stores.journal, gateway: bGateway, clock: b.clock)
            #expect(try await restarted.voidInterrupted() == 0)
            try await a.approve(gateway, paying, confirming: hold)
            #expect(bGateway.voided.isEmpty, "a starting node voided a charge in progress: \(bGateway.voided)")

            // Bob's charge on A never ends (A stopped mid-charge, say). Once it is older than any charge may take, B's
            // housekeeping voids it.
            let bobs = try await a.lock(bob, ["A2"])
            let (stuck, stuckPaying) = try await a.startPaying(bob, bobs)
            #expect(try await restarted.voidInterrupted(atStart: false) == 0, "too young to be a leftover")
            b.clock.advance(by: Payment.chargeLeftoverSeconds + 1)
            let sweeping = Task { try await restarted.voidInterrupted(atStart: false) }
            // While B's void of it is at the processor, A's processor answers at last and A confirms: refused, as B
            // failed the attempt before voiding it — never a booking confirmed with its authorisation released.
            await bGateway.voiding()
            stuck.approve()
            await #expect(throws: BoxOfficeError.self) { _ = try await stuckPaying.value }
            bGateway.releaseVoid()
            #expect(try await sweeping.value == 1)
            let voidedId = try #require(bGateway.voided.first)
            let payment = try #require(try await b.stores.payments.payment(id: voidedId))
            #expect(bGateway.voided.count == 1 && payment.bookingId == bobs.id)
            #expect(payment.paymentStatus == .failed && payment.failureCode == "interrupted")
            #expect(try await a.status(of: bobs.id) == .pending)
        }
    }
}
