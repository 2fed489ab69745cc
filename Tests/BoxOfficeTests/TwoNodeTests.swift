import BoxOffice
import BoxOfficeStore
import SeatEngine
import TestDatabases
import Synchronization
import Testing

/// Several nodes on one PostgreSQL database (docs/CLUSTER.md): any node writes any show; the seat-changes table is
/// each show's log, and a node whose copy of a show is out of date finds out at commit, loads the show again and
/// retries. Needs the test cluster (`BOXOFFICE_TEST_POSTGRES_URL`).
@Suite("Nodes on one PostgreSQL database", .enabled(if: TestPostgres.urlText != nil, "needs the PostgreSQL test cluster"))
struct TwoNodeTests {
    @Test("a node whose copy of the show is out of date reloads it and writes on top of the other's changes")
    func staleCopyReloads() async throws {
        try await withNodes(2) { nodes in
            let (a, b) = (nodes[0], nodes[1])
            let ann = try await a.user("Ann")
            let bob = try await b.user("Bob")
            let carl = try await b.user("Carl")
            _ = try await b.lock(bob, ["A1"])  // B loads the show: version 1
            let annsHold = try await a.lock(ann, ["A2"])  // A loads it (sees version 1) and writes version 2
            // B's copy is still at version 1: its next lock is refused by the database, reloaded, retried as version 3.
            let bobsHold = try await b.lock(bob, ["A3"])  // replaces Bob's A1
            // And B now knows A2 is Ann's.
            await #expect(throws: BoxOfficeError.self) { _ = try await b.lock(carl, ["A2"]) }
            let durable = try await b.durableSeats()
            #expect(durable.version == 3)
            #expect(Set(durable.holds.map(\.booking)) == [annsHold.id, bobsHold.id])
            #expect(durable.holds.first { $0.booking == annsHold.id }?.seats == ["A2"])
            #expect(durable.holds.first { $0.booking == bobsHold.id }?.seats == ["A3"])
        }
    }

    @Test("changes made each on another node than the last all succeed: every node sees what the others did")
    func takingTurns() async throws {
        try await withNodes(3) { nodes in
            let users = [try await nodes[0].user("Ann"), try await nodes[1].user("Bob"), try await nodes[2].user("Carl")]
            for round in 0..<12 {
                // A sold seat stays sold: the rounds that pay use seats of their own.
                let seat = round % 4 == 3 ? ["B2", "B3", "B4"][round / 4] : ["A1", "A2", "A3", "A4", "B1"][round % 5]
                // Locked on one node, then paid or cancelled on the next, then the seat is asked for on the third.
                let (first, second, third) = (nodes[round % 3], nodes[(round + 1) % 3], nodes[(round + 2) % 3])
                let user = users[round % 3]
                let booking = try await first.lock(user, [seat])
                if round % 4 == 3 {
                    _ = try await second.pay(user, booking)
                    // Sold: the third node must refuse the seat, not offer it.
                    await #expect(throws: BoxOfficeError.self) { _ = try await third.lock(users[(round + 1) % 3], [seat]) }
                } else {
                    let cancelled = try await second.bookings.cancel(userId: user, bookingId: booking.id)
                    #expect(cancelled.bookingStatus == .cancelled, "round \(round): \(cancelled.bookingStatus)")
                    // Free again: the third node must let it go.
                    let next = try await third.lock(users[(round + 1) % 3], [seat])
                    _ = try await third.bookings.cancel(userId: users[(round + 1) % 3], bookingId: next.id)
                }
            }
            let durable = try await nodes[0].durableSeats()
            #expect(durable.holds.isEmpty)
            #expect(Set(durable.booked.values.flatMap { $0 }) == ["B2", "B3", "B4"])
        }
    }

    @Test("a node reading a show sees another node's changes within a second, without writing it itself")
    func readsFollowOtherNodes() async throws {
        try await withNodes(2) { nodes in
            let (a, b) = (nodes[0], nodes[1])
            let ann = try await a.user("Ann")
            #expect(try await b.bookings.snapshot(showId: b.show.id)?.held == [])  // B has the show loaded, at version 0
            for (index, seat) in ["A1", "A2", "B4"].enumerated() {
                let booking = try await a.lock(ann, [seat])
                let clock = ContinuousClock()
                let started = clock.now
                var seen: SeatSnapshot?
                while clock.now - started < .seconds(2) {
                    seen = try await b.bookings.snapshot(showId: b.show.id)
                    if seen?.version == Int64(index + 1) { break }
                    try await Task.sleep(for: .milliseconds(20))
                }
                let waited = clock.now - started
                #expect(seen?.held == [seat], "after lock \(index + 1): \(String(describing: seen))")
                #expect(waited < .seconds(1), "node B saw version \(index + 1) after \(waited)")
                _ = booking
            }
        }
    }

    @Test("a hold taken on a node that is gone still expires: another node's sweep finds it overdue and frees its seats")
    func holdsOfAGoneNodeExpire() async throws {
        try await withNodes(2) { nodes in
            let (gone, other) = (nodes[0], nodes[1])
            let ann = try await gone.user("Ann")
            let bob = try await other.user("Bob")
            let booking = try await gone.lock(ann, ["B1", "B2"])  // and node A is never used again: its timer never fires
            #expect(try await other.bookings.sweepOverdueHolds() == 0)  // not due yet
            other.clock.advance(by: Double(ServiceFixture.holdSeconds) + 2)
            #expect(try await other.bookings.sweepOverdueHolds() == 1)
            let durable = try await other.durableSeats()
            #expect(durable.holds.isEmpty, "\(durable.holds)")
            #expect(try await other.stores.bookings.booking(id: booking.id)?.bookingStatus == .expired)
            // The seats are free for anyone, on the node that swept.
            _ = try await other.lock(bob, ["B1", "B2"])
            #expect(try await other.bookings.sweepOverdueHolds() == 0)
        }
    }

    @Test("two nodes charging one booking at once: one charge, the other refused before the card; one completed payment")
    func oneChargeAcrossNodes() async throws {
        try await withNodes(2) { nodes in
            for round in 0..<4 {
                let user = try await nodes[0].user("Payer\(round)")
                let booking = try await nodes[0].lock(user, ["A\(round + 1)"])
                var attempts: [Payment] = []
                for node in nodes {
                    attempts.append(try await node.payments.initiate(userId: user, InitiatePaymentInput(bookingId: booking.id, paymentMethod: "upi")))
                }
                let outcomes = await withTaskGroup(of: Result<Payment, any Error>.self, returning: [Result<Payment, any Error>].self) { group in
                    for (node, attempt) in zip(nodes, attempts) {
                        group.addTask {
                            do {
                                return .success(try await node.payments.process(userId: user, paymentId: attempt.id, ProcessPaymentInput()))
                            } catch {
                                return .failure(error)
                            }
                        }
                    }
                    return await group.reduce(into: []) { $0.append($1) }
                }
                let paid = outcomes.compactMap { try? $0.get() }
                #expect(paid.count == 1, "round \(round): \(outcomes)")
                for case .failure(let error as BoxOfficeError) in outcomes {
                    #expect(["payment_in_progress", "already_paid"].contains(error.code), "round \(round): \(error)")
                }
                // The refused attempt never reached the processor: it is still only initiated.
                for attempt in attempts where attempt.id != paid.first?.id {
                    let stored = try await nodes[1].stores.payments.payment(id: attempt.id)
                    #expect(stored?.paymentStatus == .initiated, "round \(round): \(String(describing: stored))")
                }
            }
        }
    }

    @Test("users on three nodes locking overlapping seats at once: no seat held twice, every acknowledged hold durable")
    func contention() async throws {
        try await withNodes(3) { nodes in
            var users: [(node: ServiceFixture, id: String)] = []
            for index in 0..<12 { users.append((nodes[index % 3], try await nodes[index % 3].user("User\(index)"))) }
            let seats = ["A1", "A2", "A3", "A4", "B1", "B2", "B3", "B4"]
            let refused = Counter()
            let log = Log()
            // Per user: how many locks were acknowledged, and the pending booking left at the end (a lock replaces the
            // user's earlier one; a cancel ends it).
            let outcomes = try await withThrowingTaskGroup(of: (locks: Int, current: Booking?).self) { group in
                for (index, user) in users.enumerated() {
                    group.addTask {
                        var locks = 0
                        var current: Booking?
                        for round in 0..<6 {
                            let pair = [seats[(index + round) % seats.count], seats[(index * 3 + round + 1) % seats.count]]
                            guard pair[0] != pair[1] else { continue }
                            do {
                                current = try await user.node.lock(user.id, pair)
                                log.add("\(user.id.suffix(4)) r\(round) locked \(current!.id.suffix(6)) \(pair)")
                                locks += 1
                                // Let go of all but the last, so seats keep changing hands across the nodes.
                                if round < 5, let booking = current {
                                    let cancelled = try await user.node.bookings.cancel(userId: user.id, bookingId: booking.id)
                                    #expect(cancelled.bookingStatus == .cancelled, "\(booking.id) is \(cancelled.bookingStatus) after its cancel")
                                    log.add("\(user.id.suffix(4)) r\(round) cancelled \(booking.id.suffix(6))")
                                    current = nil
                                }
                            } catch let error as BoxOfficeError where error.kind == .conflict {
                                log.add("\(user.id.suffix(4)) r\(round) 409 \(pair)")
                                continue  // taken
                            } catch let error as BoxOfficeError where error.kind == .unavailable {
                                log.add("\(user.id.suffix(4)) r\(round) 503 \(error.message)")
                                refused.add()  // the show changed too fast even after retries
                            }
                        }
                        return (locks, current)
                    }
                }
                return try await group.reduce(into: [(locks: Int, current: Booking?)]()) { $0.append($1) }
            }
            #expect(outcomes.map(\.locks).reduce(0, +) > 0)
            let durable = try await nodes[0].durableSeats()
            let held = Dictionary(uniqueKeysWithValues: durable.holds.map { ($0.booking, Set($0.seats)) })
            let pending = outcomes.compactMap(\.current)
            for booking in pending { #expect(held[booking.id] == Set(booking.seats.map(\.seatNumber)), "\(booking.id)") }
            let owners = Dictionary(uniqueKeysWithValues: durable.holds.map { ($0.booking, $0.user) })
            #expect(
                held.count == pending.count,
                "held \(held.keys.sorted().map { "\($0) of \(owners[$0] ?? "?")" }), expected \(pending.map { "\($0.id) of \($0.userId)" }.sorted()); log \(log.lines)")
            let allHeld = durable.holds.flatMap(\.seats)
            #expect(allHeld.count == Set(allHeld).count, "a seat held twice: \(allHeld.sorted())")
        }
    }
}

/// A count shared by concurrent tasks.
private final class Counter: Sendable {
    private let count = Mutex(0)
    func add() { count.withLock { $0 += 1 } }
    var value: Int { count.withLock { $0 } }
}

/// Lines from concurrent tasks, for a failure message.
private final class Log: Sendable {
    private let storage = Mutex([String]())
    func add(_ line: String) { storage.withLock { $0.append(line) } }
    var lines: String { storage.withLock { $0.joined(separator: "; ") } }
}
