import SeatEngine
import Testing

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

@Suite("SeatMap: rolling back uncommitted changes")
struct SeatMapUndoTests {
    /// A map with a booked booking, a pinned hold, and a plain hold, all settled.
    func busyMap() throws -> SeatMap {
        var map = smallMap()
        _ = try map.lock(booking: "k1", user: "u9", seats: ["C1", "C2"], expiresAt: t0 + 60, now: t0)
        _ = try map.pay(booking: "k1", now: t0)
        _ = try map.lock(booking: "p1", user: "u1", seats: ["A1", "A2"], expiresAt: t0 + 60, now: t0)
        try map.beginPayment(booking: "p1", payment: "pay-p1", now: t0)
        _ = try map.lock(booking: "h1", user: "u2", seats: ["B1", "B2"], expiresAt: t0 + 30, now: t0)
        map.settle(through: map.version)
        return map
    }

    @Test("each kind of change, rolled back, restores the exact prior state (seats, owners, holds, bookings, pins, version)")
    func rollBackEachKind() throws {
        let steps: [(String, (inout SeatMap) throws -> Void)] = [
            ("lock with replacement", { _ = try $0.lock(booking: "h2", user: "u2", seats: ["B2", "B3"], expiresAt: t0 + 90, now: t0) }),
            ("release", { _ = try $0.release(booking: "h1", now: t0) }),
            ("expire", { _ = $0.expire(now: t0 + 30) }),
            ("book of a pinned hold", { _ = try $0.book(booking: "p1", charge: Charge(payment: "pay-p1", transaction: "t"), now: t0) }),
            ("cancel", { _ = try $0.cancel(booking: "k1", now: t0) }),
        ]
        for (name, step) in steps {
            var map = try busyMap()
            let before = MapFingerprint(map)
            try step(&map)
            #expect(MapFingerprint(map) != before, "\(name) changed nothing")
            #expect(map.unsettledVersions == [before.state.version + 1])
            let undone = map.rollBack(from: before.state.version + 1)
            #expect(undone == 1)
            #expect(MapFingerprint(map) == before, "rolling back \(name) did not restore the map")
        }
    }

    @Test("rolling back from a version undoes it and every later change, newest first; settled changes stay")
    func rollBackSeveral() throws {
        var map = try busyMap()
        _ = try map.release(booking: "h1", now: t0)
        map.settle(through: map.version)
        let settled = MapFingerprint(map)
        _ = try map.lock(booking: "n1", user: "u3", seats: ["B1", "B4"], expiresAt: t0 + 5, now: t0)
        _ = try map.lock(booking: "n2", user: "u3", seats: ["B4", "C3"], expiresAt: t0 + 5, now: t0)
        _ = try map.book(booking: "p1", charge: Charge(payment: "pay-p1", transaction: "t"), now: t0)
        let expired = map.expire(now: t0 + 5)
        #expect(expired != nil)
        #expect(map.unsettledVersions.count == 4)
        let undone = map.rollBack(from: settled.state.version + 1)
        #expect(undone == 4)
        #expect(MapFingerprint(map) == settled)
        let none = map.rollBack(from: 1)
        #expect(none == 0, "settled changes cannot be undone")
        #expect(MapFingerprint(map) == settled)
    }

    @Test("rolling back only the newest changes keeps the older uncommitted one")
    func rollBackPartially() throws {
        var map = try busyMap()
        _ = try map.lock(booking: "n1", user: "u3", seats: ["B3"], expiresAt: t0 + 5, now: t0)
        let afterFirst = MapFingerprint(map)
        _ = try map.lock(booking: "n2", user: "u4", seats: ["B4"], expiresAt: t0 + 5, now: t0)
        _ = try map.cancel(booking: "k1", now: t0)
        let undone = map.rollBack(from: afterFirst.state.version + 1)
        #expect(undone == 2)
        #expect(MapFingerprint(map) == afterFirst)
    }
}
