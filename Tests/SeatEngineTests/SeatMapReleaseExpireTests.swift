import SeatEngine
import Testing

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

@Suite("SeatMap: release and expiry")
struct SeatMapReleaseExpireTests {
    @Test("release frees a pending booking's seats with cause .release")
    func releaseFreesSeats() throws {
        var map = smallMap()
        _ = try map.lock(booking: "b1", user: "u1", seats: ["A1", "B1"], expiresAt: t0 + 60, now: t0)
        let (change, effect) = try map.release(booking: "b1", now: t0 + 1)
        #expect(
            change
                == SeatChange(
                    show: "show-1", version: 2, cause: .release,
                    seats: [.init(seat: "A1", status: .available), .init(seat: "B1", status: .available)],
                    at: t0 + 1))
        #expect(effect == .released(Hold(booking: "b1", user: "u1", seats: ["A1", "B1"], expiresAt: t0 + 60, startedAt: t0)))
        #expect(map.holds.isEmpty && map.counts.available == 12)
    }

    @Test("release of an unknown or released booking is holdNotFound, of a booked one alreadyBooked, and changes nothing")
    func releaseErrors() throws {
        var map = smallMap()
        _ = try map.lock(booking: "b1", user: "u1", seats: ["A1"], expiresAt: t0 + 60, now: t0)
        _ = try map.release(booking: "b1", now: t0)
        _ = try map.lock(booking: "b2", user: "u1", seats: ["A2"], expiresAt: t0 + 60, now: t0)
        _ = try map.pay(booking: "b2", now: t0)
        let before = MapFingerprint(map)
        for booking in ["nope", "b1"] {
            #expect(throws: SeatEngineError.holdNotFound) { try map.release(booking: booking, now: t0) }
        }
        #expect(throws: SeatEngineError.alreadyBooked) { try map.release(booking: "b2", now: t0) }
        #expect(throws: SeatEngineError.alreadyBooked) { try map.beginPayment(booking: "b2", payment: "p9", now: t0) }
        #expect(MapFingerprint(map) == before)
    }

    @Test("expire releases every due, unpinned hold in one .expire change; expiresAt == now counts as due")
    func expireReleasesDueHolds() throws {
        var map = smallMap()
        _ = try map.lock(booking: "due1", user: "u1", seats: ["A1"], expiresAt: t0 + 10, now: t0)
        _ = try map.lock(booking: "due2", user: "u2", seats: ["B2", "B1"], expiresAt: t0 + 20, now: t0)
        _ = try map.lock(booking: "paying", user: "u3", seats: ["C1"], expiresAt: t0 + 5, now: t0)
        _ = try map.lock(booking: "later", user: "u4", seats: ["C2"], expiresAt: t0 + 21, now: t0)
        try map.beginPayment(booking: "paying", payment: "p1", now: t0)
        #expect(map.earliestExpiry == t0 + 10, "a pinned hold is not the timer's concern")

        let expiry = map.expire(now: t0 + 20)
        let expired = try #require(expiry)
        #expect(expired.change.version == 5 && expired.change.cause == .expire)
        #expect(expired.change.seats.map(\.seat) == ["A1", "B1", "B2"])
        #expect(expired.change.seats.allSatisfy { $0.status == .available })
        #expect(
            expired.effect
                == .expired([
                    Hold(booking: "due1", user: "u1", seats: ["A1"], expiresAt: t0 + 10, startedAt: t0),
                    Hold(booking: "due2", user: "u2", seats: ["B1", "B2"], expiresAt: t0 + 20, startedAt: t0),
                ]))
        #expect(map.holds.map(\.booking) == ["paying", "later"])
        #expect(map.earliestExpiry == t0 + 21)
    }

    @Test("expire with nothing due returns nil and changes nothing")
    func expireNothingDue() throws {
        var map = smallMap()
        _ = try map.lock(booking: "b1", user: "u1", seats: ["A1"], expiresAt: t0 + 10, now: t0)
        let before = MapFingerprint(map)
        let early = map.expire(now: t0 + 9.999)
        #expect(early == nil)
        #expect(MapFingerprint(map) == before)
        var empty = smallMap()
        let none = empty.expire(now: t0)
        #expect(none == nil)
    }
}
