import BoxOfficeTestSupport
import SeatEngine
import Testing

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A copy following another writer's changes (`SeatMap.follow`): it ends exactly where the writer is, and refuses,
/// unchanged, what does not fit.
@Suite("SeatMap: following another writer")
struct SeatMapFollowTests {
    @Test("random locks, replacing locks, releases, expiries, payments and cancellations: the follower equals the writer after each", arguments: [1, 2, 3, 4, 5] as [UInt64])
    func followerMatchesWriter(seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        var writer = smallMap()
        var follower = smallMap()
        let users = ["u1", "u2", "u3", "u4"]
        var now = t0
        var next = 0
        var followed = 0
        for _ in 0..<400 {
            now = now.addingTimeInterval(Double(Int.random(in: 0...20, using: &random)))
            var step: (change: SeatChange, effect: SeatEffect)?
            do {
                switch Int.random(in: 0..<10, using: &random) {
                case 0..<4:
                    next += 1
                    let seats = writer.seats.shuffled(using: &random).prefix(Int.random(in: 1...3, using: &random))
                    step = try writer.lock(
                        booking: "b\(next)", user: users.randomElement(using: &random)!, seats: Array(seats), expiresAt: now.addingTimeInterval(60), now: now)
                case 4, 5:
                    if let hold = writer.holds.randomElement(using: &random) { step = try writer.release(booking: hold.booking, now: now) }
                case 6:
                    step = writer.expire(now: now)
                case 7, 8:
                    if let hold = writer.holds.randomElement(using: &random) { step = try writer.pay(booking: hold.booking, now: now) }
                default:
                    if let booking = writer.booked.keys.sorted().randomElement(using: &random) { step = try writer.cancel(booking: booking, now: now) }
                }
            } catch {
                continue  // refused (a seat taken, a hold run out): nothing changed
            }
            guard let step else { continue }
            writer.settle(through: step.change.version)
            do { let followed = follower.follow(version: step.change.version, effect: FollowedEffect(step.effect)); #expect(followed, "\(step.change.cause) v\(step.change.version)") }
            followed += 1
            #expect(follower.state == writer.state)
            #expect(follower.statuses == writer.statuses)
            #expect(follower.seats.map { follower.owner(of: $0) } == writer.seats.map { writer.owner(of: $0) })
        }
        #expect(followed > 100)
    }

    @Test("not the next version, a change of its own unsettled, or an effect that does not fit: false, and nothing changes")
    func refusals() throws {
        var writer = smallMap()
        var follower = smallMap()
        let lock = try writer.lock(booking: "b1", user: "u1", seats: ["A1", "A2"], expiresAt: t0 + 60, now: t0)
        writer.settle(through: 1)
        let before = MapFingerprint(follower)
        do { let followed = follower.follow(version: 2, effect: FollowedEffect(lock.effect)); #expect(!followed, "a version skipped") }
        do { let followed = follower.follow(version: 1, effect: .ended(["b1"])); #expect(!followed, "ends a hold it does not have") }
        do { let followed = follower.follow(version: 1, effect: .booked("b1")); #expect(!followed) }
        do { let followed = follower.follow(version: 1, effect: .ended([])); #expect(!followed, "ends nothing") }
        do { let followed = follower.follow(version: 1, effect: .cancelled("b1")); #expect(!followed) }
        do { let followed = follower.follow(version: 1, effect: .locked(Hold(booking: "b9", user: "u1", seats: ["Z9"], expiresAt: t0 + 60), replacing: nil)); #expect(!followed) }
        do { let followed = follower.follow(version: 1, effect: .locked(Hold(booking: "b9", user: "u1", seats: ["A1"], expiresAt: t0 + 60), replacing: "b0")); #expect(!followed) }
        #expect(MapFingerprint(follower) == before)

        // A seat it holds itself, unsettled: it cannot follow until its own change has concluded.
        _ = try follower.lock(booking: "mine", user: "u2", seats: ["C1"], expiresAt: t0 + 60, now: t0)
        do { let followed = follower.follow(version: 1, effect: FollowedEffect(lock.effect)); #expect(!followed) }
        follower.rollBack(from: 1)  // its change lost the version to the writer's
        do { let followed = follower.follow(version: 1, effect: FollowedEffect(lock.effect)); #expect(followed) }
        #expect(follower.state == writer.state)
        do { let followed = follower.follow(version: 2, effect: .ended(["b1", "b1"])); #expect(!followed, "one hold named twice") }
        #expect(follower.state == writer.state)

        // A seat the change takes is not free here: this copy is out of date.
        var other = smallMap()
        _ = try other.lock(booking: "x", user: "u3", seats: ["A2"], expiresAt: t0 + 60, now: t0)
        other.settle(through: 1)
        do { let followed = other.follow(version: 2, effect: .locked(Hold(booking: "b2", user: "u1", seats: ["A2"], expiresAt: t0 + 60), replacing: nil)); #expect(!followed) }

        // A hold this copy is charging is not ended by a followed change (its node would not have ended it).
        try follower.beginPayment(booking: "b1", payment: "p1", now: t0)
        let pinned = MapFingerprint(follower)
        do { let followed = follower.follow(version: 2, effect: .ended(["b1"])); #expect(!followed) }
        do { let followed = follower.follow(version: 2, effect: .booked("b1")); #expect(!followed) }
        #expect(MapFingerprint(follower) == pinned)
    }

    @Test("a followed hold expires here a grace second after its time; a hold of its own on time")
    func followedHoldsWait() throws {
        var follower = smallMap()
        do { let followed = follower.follow(version: 1, effect: .locked(Hold(booking: "theirs", user: "u1", seats: ["A1"], expiresAt: t0 + 60, startedAt: t0), replacing: nil)); #expect(followed) }
        _ = try follower.lock(booking: "mine", user: "u2", seats: ["B1"], expiresAt: t0 + 60, now: t0)
        follower.settle(through: 2)
        #expect(follower.earliestExpiry == t0 + 60)
        let ownExpiry = follower.expire(now: t0 + 60)
        let own = try #require(ownExpiry)
        #expect(own.effect == .expired([Hold(booking: "mine", user: "u2", seats: ["B1"], expiresAt: t0 + 60, startedAt: t0)]))
        follower.settle(through: 3)
        #expect(follower.earliestExpiry == t0 + 60 + SeatMap.followerGrace)
        let early = follower.expire(now: t0 + 60.5)
        #expect(early == nil)
        let theirExpiry = follower.expire(now: t0 + 60 + SeatMap.followerGrace)
        let theirs = try #require(theirExpiry)
        #expect(theirs.change.seats == [SeatUpdate(seat: "A1", status: .available)])
    }
}
