import SeatEngine
import Testing

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

@Suite("SeatMap: payment, booking, cancelling")
struct SeatMapPaymentTests {
    @Test("beginPayment pins a live hold for one payment without a version change; gone or expired holds are refused")
    func beginPayment() throws {
        var map = smallMap()
        _ = try map.lock(booking: "b1", user: "u1", seats: ["A1"], expiresAt: t0 + 60, now: t0)
        #expect(throws: SeatEngineError.holdNotFound) { try map.beginPayment(booking: "nope", payment: "p1", now: t0) }
        #expect(throws: SeatEngineError.holdExpired) { try map.beginPayment(booking: "b1", payment: "p1", now: t0 + 60) }
        #expect(!map.isPinned("b1"))
        let hold = try map.beginPayment(booking: "b1", payment: "p1", now: t0 + 59)
        #expect(hold.booking == "b1" && map.payment(pinning: "b1") == "p1" && map.version == 1)
    }

    @Test("one charge per booking at a time: a second payment, or the same one again, is paymentInProgress")
    func oneChargeAtATime() throws {
        var map = smallMap()
        _ = try map.lock(booking: "b1", user: "u1", seats: ["A1"], expiresAt: t0 + 60, now: t0)
        try map.beginPayment(booking: "b1", payment: "p1", now: t0)
        #expect(throws: SeatEngineError.paymentInProgress) { try map.beginPayment(booking: "b1", payment: "p2", now: t0) }
        #expect(throws: SeatEngineError.paymentInProgress) { try map.beginPayment(booking: "b1", payment: "p1", now: t0) }
        #expect(throws: SeatEngineError.paymentInProgress) { try map.release(booking: "b1", now: t0) }
        map.endPayment(booking: "b1", payment: "p2")
        #expect(map.payment(pinning: "b1") == "p1", "only the pinning payment unpins")
        #expect(throws: SeatEngineError.paymentNotStarted) { try map.book(booking: "b1", charge: Charge(payment: "p2", transaction: "t"), now: t0) }
        #expect(map.status(of: "A1") == .held && map.version == 1)
        map.endPayment(booking: "b1", payment: "p1")
        try map.beginPayment(booking: "b1", payment: "p2", now: t0)
        _ = try map.book(booking: "b1", charge: Charge(payment: "p2", transaction: "t2"), now: t0)
        #expect(map.status(of: "A1") == .booked)
    }

    @Test("resumePayment pins a hold again for its payment past its expiresAt (a copy loaded mid-charge); never over another payment's pin")
    func resumePayment() throws {
        var map = smallMap()
        _ = try map.lock(booking: "b1", user: "u1", seats: ["A1"], expiresAt: t0 + 60, now: t0)
        _ = try map.lock(booking: "b2", user: "u2", seats: ["A2"], expiresAt: t0 + 60, now: t0)
        #expect(throws: SeatEngineError.holdNotFound) { try map.resumePayment(booking: "nope", payment: "p1") }
        try map.resumePayment(booking: "b1", payment: "p1")
        try map.resumePayment(booking: "b1", payment: "p1")  // already its own: nothing changes
        #expect(map.payment(pinning: "b1") == "p1" && map.version == 2)
        #expect(throws: SeatEngineError.paymentInProgress) { try map.resumePayment(booking: "b1", payment: "p2") }
        // Past its time, the resumed hold does not expire (the other does) and books.
        let expired = map.expire(now: t0 + 90)
        #expect(expired?.change.seats == [.init(seat: "A2", status: .available)])
        _ = try map.book(booking: "b1", charge: Charge(payment: "p1", transaction: "t1"), now: t0 + 90)
        #expect(map.booked == ["b1": ["A1"]])
        #expect(throws: SeatEngineError.alreadyBooked) { try map.resumePayment(booking: "b1", payment: "p1") }
        #expect(invariantViolations(of: map).isEmpty)
    }

    @Test("a pinned hold does not expire, and books even after its expiresAt")
    func pinnedHoldBooksAfterExpiry() throws {
        var map = smallMap()
        _ = try map.lock(booking: "b1", user: "u1", seats: ["A2", "A1"], expiresAt: t0 + 60, now: t0)
        try map.beginPayment(booking: "b1", payment: "p1", now: t0 + 59)
        let nothing = map.expire(now: t0 + 120)
        #expect(nothing == nil)
        let charge = Charge(payment: "p1", transaction: "txn-1")
        let (change, effect) = try map.book(booking: "b1", charge: charge, now: t0 + 120)
        #expect(
            change
                == SeatChange(
                    show: "show-1", version: 2, cause: .book,
                    seats: [.init(seat: "A1", status: .booked), .init(seat: "A2", status: .booked)],
                    at: t0 + 120))
        #expect(effect == .booked(Hold(booking: "b1", user: "u1", seats: ["A1", "A2"], expiresAt: t0 + 60, startedAt: t0), charge: charge, soldOut: false))
        #expect(map.hold(for: "b1") == nil && !map.isPinned("b1"))
        #expect(map.booked == ["b1": ["A1", "A2"]])
        #expect(invariantViolations(of: map).isEmpty)
    }

    @Test("book: the booking that books the last seat says the show is sold out; a held seat left means it is not")
    func soldOut() throws {
        var map = try SeatMap(show: "show-1", seats: layout(rows: 1, columns: 3))
        _ = try map.lock(booking: "b1", user: "u1", seats: ["A1", "A2"], expiresAt: t0 + 60, now: t0)
        _ = try map.lock(booking: "b2", user: "u2", seats: ["A3"], expiresAt: t0 + 60, now: t0)
        try map.beginPayment(booking: "b1", payment: "p1", now: t0)
        let (_, first) = try map.book(booking: "b1", charge: Charge(payment: "p1", transaction: "t1"), now: t0)
        guard case .booked(_, _, let firstSoldOut) = first else { Issue.record("not a booking: \(first)"); return }
        #expect(!firstSoldOut, "A3 is still held")
        try map.beginPayment(booking: "b2", payment: "p2", now: t0)
        let (_, last) = try map.book(booking: "b2", charge: Charge(payment: "p2", transaction: "t2"), now: t0)
        guard case .booked(_, _, let lastSoldOut) = last else { Issue.record("not a booking: \(last)"); return }
        #expect(lastSoldOut)
    }

    @Test("book: only a hold pinned by the charged payment books; no hold is holdNotFound")
    func bookErrors() throws {
        var map = smallMap()
        _ = try map.lock(booking: "b1", user: "u1", seats: ["A1"], expiresAt: t0 + 60, now: t0)
        _ = try map.lock(booking: "b2", user: "u2", seats: ["A2"], expiresAt: t0 + 60, now: t0)
        let before = MapFingerprint(map)
        #expect(throws: SeatEngineError.paymentNotStarted) { try map.book(booking: "b1", charge: Charge(payment: "p1", transaction: "t"), now: t0) }
        #expect(throws: SeatEngineError.holdNotFound) { try map.book(booking: "nope", charge: Charge(payment: "p1", transaction: "t"), now: t0) }
        #expect(MapFingerprint(map) == before)
        try map.beginPayment(booking: "b2", payment: "p2", now: t0)
        _ = try map.book(booking: "b2", charge: Charge(payment: "p2", transaction: "t"), now: t0 + 59)
        #expect(throws: SeatEngineError.alreadyBooked) { try map.book(booking: "b2", charge: Charge(payment: "p2", transaction: "t"), now: t0) }
        #expect(map.status(of: "A2") == .booked)
    }

    @Test("endPayment unpins (after a failed charge), so the hold expires again")
    func endPaymentUnpins() throws {
        var map = smallMap()
        _ = try map.lock(booking: "b1", user: "u1", seats: ["A1"], expiresAt: t0 + 60, now: t0)
        try map.beginPayment(booking: "b1", payment: "p1", now: t0)
        map.endPayment(booking: "b1", payment: "p1")
        map.endPayment(booking: "b1", payment: "p1")
        #expect(!map.isPinned("b1") && map.version == 1)
        let expired = map.expire(now: t0 + 60)
        #expect(expired?.change.cause == .expire)
        #expect(map.counts.available == 12)
    }

    @Test("cancel frees a confirmed booking's seats with cause .cancel; pending or unknown bookings are notBooked")
    func cancelBooked() throws {
        var map = smallMap()
        _ = try map.lock(booking: "b1", user: "u1", seats: ["C4", "C3"], expiresAt: t0 + 60, now: t0)
        _ = try map.lock(booking: "b2", user: "u2", seats: ["A1"], expiresAt: t0 + 60, now: t0)
        _ = try map.pay(booking: "b1", now: t0)
        let before = MapFingerprint(map)
        #expect(throws: SeatEngineError.notBooked) { try map.cancel(booking: "b2", now: t0) }
        #expect(throws: SeatEngineError.notBooked) { try map.cancel(booking: "nope", now: t0) }
        #expect(MapFingerprint(map) == before)
        let (change, effect) = try map.cancel(booking: "b1", now: t0 + 5)
        #expect(
            change
                == SeatChange(
                    show: "show-1", version: 4, cause: .cancel,
                    seats: [.init(seat: "C3", status: .available), .init(seat: "C4", status: .available)],
                    at: t0 + 5))
        #expect(effect == .cancelled(booking: "b1", seats: ["C3", "C4"]))
        #expect(map.booked.isEmpty)
        #expect(throws: SeatEngineError.notBooked) { try map.cancel(booking: "b1", now: t0) }
    }

    @Test("every change bumps the version by exactly one; refusals and payment pins bump nothing")
    func versionsRiseByOne() throws {
        var map = smallMap()
        var versions: [Int64] = []
        versions.append(try map.lock(booking: "b1", user: "u1", seats: ["A1"], expiresAt: t0 + 9, now: t0).change.version)
        versions.append(try map.lock(booking: "b2", user: "u1", seats: ["A2"], expiresAt: t0 + 9, now: t0).change.version)
        _ = try? map.lock(booking: "b3", user: "u3", seats: ["A2"], expiresAt: t0 + 9, now: t0)
        try map.beginPayment(booking: "b2", payment: "p0", now: t0)
        map.endPayment(booking: "b2", payment: "p0")
        versions.append(try map.pay(booking: "b2", now: t0).change.version)
        versions.append(try map.cancel(booking: "b2", now: t0).change.version)
        versions.append(try map.lock(booking: "b4", user: "u4", seats: ["B1"], expiresAt: t0 + 9, now: t0).change.version)
        versions.append(try map.release(booking: "b4", now: t0).change.version)
        versions.append(try map.lock(booking: "b5", user: "u5", seats: ["B1"], expiresAt: t0 + 9, now: t0).change.version)
        let expired = map.expire(now: t0 + 9)
        versions.append(try #require(expired).change.version)
        #expect(versions == Array(1...8))
        #expect(map.version == 8)
    }
}
