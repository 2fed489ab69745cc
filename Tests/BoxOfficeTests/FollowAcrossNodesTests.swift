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

/// Another node's change applied to a copy as its notice carries it (docs/CLUSTER.md, `ShowActor.follow`): the copy
/// stays current without loading the show again, and its own next change builds on what it followed. Needs the test
/// cluster (`BOXOFFICE_TEST_POSTGRES_URL`).
@Suite("Copies follow other nodes' changes", .enabled(if: TestPostgres.urlText != nil, "needs the PostgreSQL test cluster"))
struct FollowAcrossNodesTests {
    /// `copy`'s state as the database has it: version, holds (booking, user, seats, expiry to the millisecond) and bookings.
    static func matchesDatabase(_ copy: ShowActor, _ node: ServiceFixture) async throws -> Bool {
        let durable = try await node.durableSeats()
        let map = await copy.seatMap
        func key(_ hold: Hold) -> String { "\(hold.booking) \(hold.user) \(hold.seats) \((hold.expiresAt.timeIntervalSince1970 * 1000).rounded())" }
        return map.version == durable.version && map.holds.map(key).sorted() == durable.holds.map(key).sorted() && map.booked == durable.booked
    }

    /// Waits until `copy` is at `version` (its notice heard), then checks it is still the loaded copy, current, and equal
    /// to the database.
    static func followed(_ copy: ShowActor, on node: ServiceFixture, to version: Int64, _ step: String) async throws {
        _ = await eventually { await copy.version >= version || copy.isStale }
        #expect(!copy.isStale, "\(step): the copy was marked out of date instead of following")
        #expect(await copy.version == version, "\(step)")
        #expect(await node.bookings.actors.loadedActor(for: node.show.id) === copy, "\(step): the show was loaded again")
        #expect(try await matchesDatabase(copy, node), "\(step): the copy differs from the database")
    }

    @Test("locks, a replacing lock, a release, a payment and a cancelled booking on one node: the other's copy applies each, and writes on top")
    func everyKindOfChange() async throws {
        try await withNodes(2) { nodes in
            let (a, b) = (nodes[0], nodes[1])
            let ann = try await a.user("Ann")
            let bob = try await a.user("Bob")
            let carl = try await b.user("Carl")
            // Both nodes load the show at version 0.
            let copyA = try await a.bookings.showActor(a.show.id)
            let copyB = try await b.bookings.showActor(b.show.id)

            let first = try await a.lock(ann, ["A1"])
            try await Self.followed(copyB, on: b, to: 1, "a lock")
            let replacing = try await a.lock(ann, ["A1", "A2"])  // replaces Ann's first hold (keeps A1)
            try await Self.followed(copyB, on: b, to: 2, "a lock that replaces the user's hold")
            let firstNow = await copyB.hold(for: first.id)
            let replacingNow = await copyB.hold(for: replacing.id)
            #expect(firstNow == nil && replacingNow?.seats == ["A1", "A2"])
            let bobs = try await a.lock(bob, ["B1"])
            try await Self.followed(copyB, on: b, to: 3, "another user's lock")
            _ = try await a.bookings.cancel(userId: bob, bookingId: bobs.id)
            try await Self.followed(copyB, on: b, to: 4, "a release")
            _ = try await a.pay(ann, replacing)
            try await Self.followed(copyB, on: b, to: 5, "a payment")
            #expect(await copyB.seatMap.booked[replacing.id] == ["A1", "A2"])

            // B writes on top of what it followed, with the same copy: no refusal, no reload. A follows B in turn.
            let carls = try await b.lock(carl, ["A3"])
            #expect(carls.seats.map(\.seatNumber) == ["A3"])
            #expect(await b.bookings.actors.loadedActor(for: b.show.id) === copyB && !copyB.isStale)
            try await Self.followed(copyA, on: a, to: 6, "B's lock, heard on A")
            // The seats A sold are refused on B from its own copy.
            await #expect(throws: BoxOfficeError.self) { _ = try await b.lock(carl, ["A2"]) }

            _ = try await a.bookings.cancel(userId: ann, bookingId: replacing.id)  // a confirmed booking, refunded
            try await Self.followed(copyB, on: b, to: 7, "a cancelled booking")
            #expect(await copyB.snapshot().available.contains("A2"))
            let again = try await b.lock(carl, ["A2"])  // replaces Carl's A3 hold, on B's copy
            #expect(again.seats.map(\.seatNumber) == ["A2"])
            try await Self.followed(copyA, on: a, to: 8, "B's replacing lock, heard on A")
            #expect(await a.bookings.actors.loadedActor(for: a.show.id) === copyA)
        }
    }

    @Test("a hold taken on another node expires there on time; a copy that followed it waits a grace second, then ends it if that node did not")
    func followedHoldsExpireAfterTheirNode() async throws {
        try await withNodes(2) { nodes in
            let (a, b) = (nodes[0], nodes[1])
            let ann = try await a.user("Ann")
            let bob = try await a.user("Bob")
            let copyB = try await b.bookings.showActor(b.show.id)
            let anns = try await a.lock(ann, ["A1"])
            try await Self.followed(copyB, on: b, to: 1, "Ann's lock")

            // On time, A expires its own hold; B, whose clock is as late, leaves it to A and follows A's expiry.
            b.clock.advance(to: anns.expiresAt.addingTimeInterval(0.5))
            a.clock.advance(to: anns.expiresAt.addingTimeInterval(0.5))
            _ = try await eventually { try await a.status(of: anns.id) == .expired }
            #expect(try await a.status(of: anns.id) == .expired)
            try await Self.followed(copyB, on: b, to: 2, "A's expiry")

            // A hold whose node is silent (A's clock stays): B ends it a grace second after its time, through its timer.
            let bobs = try await a.lock(bob, ["A2"])
            try await Self.followed(copyB, on: b, to: 3, "Bob's lock")
            b.clock.advance(to: bobs.expiresAt.addingTimeInterval(0.5))
            try await Task.sleep(for: .milliseconds(100))
            #expect(try await a.status(of: bobs.id) == .pending, "B did not wait for the hold's own node")
            b.clock.advance(to: bobs.expiresAt.addingTimeInterval(SeatMap.followerGrace + 0.1))
            _ = try await eventually { try await a.status(of: bobs.id) == .expired }
            #expect(try await a.status(of: bobs.id) == .expired)
            #expect(await b.bookings.actors.loadedActor(for: b.show.id) === copyB && !copyB.isStale)
        }
    }

    @Test("a hold extended on one node runs as long on the other's copy: it takes payment there after the old expiry, and expires at the new one")
    func extensionsReachFollowers() async throws {
        try await withNodes(2) { nodes in
            let (a, b) = (nodes[0], nodes[1])
            let ann = try await a.user("Ann")
            let bob = try await a.user("Bob")
            let copyB = try await b.bookings.showActor(b.show.id)
            let anns = try await a.lock(ann, ["A1"])
            let bobs = try await a.lock(bob, ["A2"])
            try await Self.followed(copyB, on: b, to: 2, "two locks")
            a.clock.advance(by: 200)
            let extendedAnn = try await a.bookings.extend(userId: ann, bookingId: anns.id)
            let extendedBob = try await a.bookings.extend(userId: bob, bookingId: bobs.id)
            _ = await eventually { await copyB.hold(for: bobs.id)?.expiresAt == extendedBob.expiresAt }
            #expect(await copyB.hold(for: anns.id)?.expiresAt == extendedAnn.expiresAt, "the extension did not reach B's copy")
            #expect(await copyB.hold(for: bobs.id)?.expiresAt == extendedBob.expiresAt)
            let loaded = await b.bookings.actors.loadedActor(for: b.show.id)
            #expect(!copyB.isStale && loaded === copyB)

            // Past the old expiry (and its grace), before the new one: B's copy neither expires the holds nor refuses to
            // take payment for one.
            b.clock.advance(to: anns.expiresAt.addingTimeInterval(SeatMap.followerGrace + 5))
            try await Task.sleep(for: .milliseconds(100))
            #expect(try await a.status(of: anns.id) == .pending)
            let paid = try await b.pay(ann, anns)
            #expect(paid.paymentStatus == .completed)
            #expect(try await a.status(of: anns.id) == .confirmed)
            #expect(!copyB.isStale, "B's copy was found out of date")
            // Bob's, never paid, ends at its new time (A, its node, says nothing: B's grace second later).
            b.clock.advance(to: extendedBob.expiresAt.addingTimeInterval(SeatMap.followerGrace + 0.1))
            _ = try await eventually { try await a.status(of: bobs.id) == .expired }
            #expect(try await a.status(of: bobs.id) == .expired)
        }
    }
}
