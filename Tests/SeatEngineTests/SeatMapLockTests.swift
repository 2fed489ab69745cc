import SeatEngine
import Testing

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

@Suite("SeatMap: locking")
struct SeatMapLockTests {
    let later = t0.addingTimeInterval(300)

    @Test("lock holds every requested seat in one change of version + 1, seats in layout order")
    func lockHoldsSeats() throws {
        var map = smallMap()
        let (change, effect) = try map.lock(booking: "b1", user: "u1", seats: ["A3", "A1"], expiresAt: later, now: t0)
        let hold = Hold(booking: "b1", user: "u1", seats: ["A1", "A3"], expiresAt: later, startedAt: t0)
        #expect(
            change
                == SeatChange(
                    show: "show-1", version: 1, cause: .lock,
                    seats: [.init(seat: "A1", status: .held), .init(seat: "A3", status: .held)], at: t0))
        #expect(effect == .locked(hold: hold, replaced: nil))
        #expect(map.version == 1)
        #expect(map.status(of: "A1") == .held && map.status(of: "A3") == .held && map.status(of: "A2") == .available)
        #expect(map.owner(of: "A1") == "b1")
        #expect(map.hold(for: "b1") == hold)
        #expect(map.counts == SeatCounts(version: 1, available: 10, held: 2, booked: 0, total: 12))
        #expect(invariantViolations(of: map).isEmpty)
    }

    @Test("validation order: noSeats, tooManySeats, duplicateSeat, unknownSeat, unavailable — and an error changes nothing")
    func validationOrder() throws {
        var map = smallMap()
        _ = try map.lock(booking: "b0", user: "u0", seats: ["B1"], expiresAt: later, now: t0)
        let before = MapFingerprint(map)
        let cases: [([String], SeatEngineError)] = [
            ([], .noSeats),
            (["A1", "A1", "Z9", "B1", "A2", "A3", "A4", "B2", "B3", "B4", "C1"], .tooManySeats(max: 10)),
            (["A1", "Z9", "A1", "B1", "Z9"], .duplicateSeat(seats: ["A1", "Z9"])),
            (["B1", "Z9", "A1", "Y1"], .unknownSeat(seats: ["Z9", "Y1"])),
            (["A1", "B1"], .unavailable(seats: ["B1"])),
        ]
        for (seats, expected) in cases {
            #expect(throws: expected) {
                try map.lock(booking: "b1", user: "u1", seats: seats, expiresAt: later, now: t0)
            }
            #expect(MapFingerprint(map) == before, "a refused lock of \(seats) changed the map")
        }
    }

    @Test("ten seats is the limit, not eleven")
    func tenSeatsAllowed() throws {
        var map = smallMap()
        _ = try map.lock(booking: "b1", user: "u1", seats: Array(map.seats.prefix(10)), expiresAt: later, now: t0)
        #expect(map.counts.held == 10)
    }

    @Test("all or nothing: one unavailable seat leaves every requested seat available, and all unavailable ones are listed")
    func allOrNothing() throws {
        var map = smallMap()
        _ = try map.lock(booking: "b1", user: "u1", seats: ["A2"], expiresAt: later, now: t0)
        _ = try map.lock(booking: "b2", user: "u2", seats: ["A4"], expiresAt: later, now: t0)
        _ = try map.pay(booking: "b2", now: t0)
        #expect(throws: SeatEngineError.unavailable(seats: ["A4", "A2"])) {
            try map.lock(booking: "b3", user: "u3", seats: ["A1", "A4", "A3", "A2"], expiresAt: later, now: t0)
        }
        #expect(map.status(of: "A1") == .available && map.status(of: "A3") == .available)
        #expect(map.version == 3)
    }

    @Test("a new lock by the same user replaces their pending booking: one .lock change with released and held seats")
    func replacesSameUsersPendingBooking() throws {
        var map = smallMap()
        let first = try map.lock(booking: "b1", user: "u1", seats: ["A1", "A2"], expiresAt: later, now: t0)
        _ = try map.lock(booking: "x", user: "u2", seats: ["C1"], expiresAt: later, now: t0)
        let (change, effect) = try map.lock(booking: "b2", user: "u1", seats: ["A2", "A3"], expiresAt: later, now: t0)
        guard case .locked(let hold, let replaced) = first.effect else {
            Issue.record("first lock's effect is \(first.effect)")
            return
        }
        #expect(change.version == 3 && change.cause == .lock)
        #expect(
            change.seats == [
                .init(seat: "A1", status: .available), .init(seat: "A2", status: .held),
                .init(seat: "A3", status: .held),
            ])
        #expect(effect == .locked(hold: Hold(booking: "b2", user: "u1", seats: ["A2", "A3"], expiresAt: later, startedAt: hold.startedAt), replaced: hold))
        #expect(replaced == nil)
        #expect(map.hold(for: "b1") == nil)
        #expect(map.owner(of: "A2") == "b2")
        #expect(map.status(of: "A1") == .available)
        #expect(map.hold(for: "x") != nil, "another user's hold must survive")
        #expect(invariantViolations(of: map).isEmpty)
    }

    @Test("another user's held seats stay unavailable even when the requester has a pending booking")
    func replacementOnlyFreesOwnSeats() throws {
        var map = smallMap()
        _ = try map.lock(booking: "b1", user: "u1", seats: ["A1"], expiresAt: later, now: t0)
        _ = try map.lock(booking: "b2", user: "u2", seats: ["A2"], expiresAt: later, now: t0)
        let before = MapFingerprint(map)
        #expect(throws: SeatEngineError.unavailable(seats: ["A2"])) {
            try map.lock(booking: "b3", user: "u1", seats: ["A1", "A2"], expiresAt: later, now: t0)
        }
        #expect(MapFingerprint(map) == before)
    }

    @Test("a pending booking being paid for is not replaced: the new lock is refused with its seats")
    func pinnedBookingIsNotReplaced() throws {
        var map = smallMap()
        _ = try map.lock(booking: "b1", user: "u1", seats: ["A1", "A2"], expiresAt: later, now: t0)
        try map.beginPayment(booking: "b1", payment: "p1", now: t0)
        let before = MapFingerprint(map)
        #expect(throws: SeatEngineError.unavailable(seats: ["A2", "A1"])) {
            try map.lock(booking: "b2", user: "u1", seats: ["A2", "B1"], expiresAt: later, now: t0)
        }
        #expect(throws: SeatEngineError.unavailable(seats: ["A1", "A2"])) {
            try map.lock(booking: "b2", user: "u1", seats: ["C1"], expiresAt: later, now: t0)
        }
        #expect(MapFingerprint(map) == before)
    }

    @Test("a booking id already in use is refused")
    func bookingIDIsSingleUse() throws {
        var map = smallMap()
        _ = try map.lock(booking: "b1", user: "u1", seats: ["A1"], expiresAt: later, now: t0)
        #expect(throws: SeatEngineError.unavailable(seats: ["B1"])) {
            try map.lock(booking: "b1", user: "u2", seats: ["B1"], expiresAt: later, now: t0)
        }
    }

    @Test("a map seeded from durable state has its holds, bookings and version")
    func seededFromState() throws {
        let state = SeatMapState(
            version: 41,
            holds: [Hold(booking: "h1", user: "u1", seats: ["B2", "B1"], expiresAt: later)],
            booked: ["k1": ["C4"]]
        )
        let map = try SeatMap(show: "show-1", seats: layout(rows: 3, columns: 4), state: state)
        #expect(map.version == 41)
        #expect(
            map.snapshot
                == SeatSnapshot(
                    version: 41, available: map.seats.filter { !["B1", "B2", "C4"].contains($0) },
                    held: ["B1", "B2"], booked: ["C4"]))
        #expect(map.hold(for: "h1")?.seats == ["B1", "B2"])
        #expect(map.earliestExpiry == later)
        #expect(invariantViolations(of: map).isEmpty)
    }

    @Test("an inconsistent seed is refused")
    func inconsistentSeed() {
        let seats = layout(rows: 1, columns: 3)
        let hold = Hold(booking: "h1", user: "u1", seats: ["A1"], expiresAt: later)
        #expect(throws: SeatEngineError.duplicateSeat(seats: ["A1"])) { try SeatMap(show: "s", seats: ["A1", "A1"]) }
        #expect(throws: SeatEngineError.unknownSeat(seats: ["Z1"])) {
            try SeatMap(show: "s", seats: seats, state: SeatMapState(booked: ["k": ["Z1"]]))
        }
        #expect(throws: SeatEngineError.unavailable(seats: ["A1"])) {
            try SeatMap(show: "s", seats: seats, state: SeatMapState(holds: [hold], booked: ["k": ["A1"]]))
        }
    }
}
