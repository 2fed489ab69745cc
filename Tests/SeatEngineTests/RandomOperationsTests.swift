import BoxOfficeTestSupport
import SeatEngine
import Testing

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// One random step's operation, for failure messages.
enum RandomStep: CustomStringConvertible {
    case lock(BookingID, UserID, [String], TimeInterval)
    case release(BookingID)
    case beginPayment(BookingID, PaymentID)
    case endPayment(BookingID, PaymentID)
    case book(BookingID, PaymentID)
    case cancel(BookingID)
    case advance(TimeInterval)
    case expire

    var description: String {
        switch self {
        case .lock(let booking, let user, let seats, let seconds): "lock \(booking) by \(user) of \(seats) for \(seconds) s"
        case .release(let booking): "release \(booking)"
        case .beginPayment(let booking, let payment): "beginPayment \(booking) with \(payment)"
        case .endPayment(let booking, let payment): "endPayment \(booking) of \(payment)"
        case .book(let booking, let payment): "book \(booking) charged to \(payment)"
        case .cancel(let booking): "cancel \(booking)"
        case .advance(let seconds): "advance clock \(seconds) s"
        case .expire: "expireDue"
        }
    }
}

@Suite("Seeded random operations", .timeLimit(.minutes(5)))
struct RandomOperationsTests {
    static let steps = 2_000

    @Test(
        "random lock/release/pay/book/cancel/expire runs with a failing journal keep every invariant after every step",
        arguments: [1, 2, 3, 4, 5] as [UInt64])
    func randomRun(seed: UInt64) async throws {
        var random = SplitMix64(seed: seed)
        let seats = layout(rows: 5, columns: 8)
        let users = (0..<8).map { "u\($0)" }
        let clock = ManualClock(now: t0)
        let journal = MemoryJournal(failureRate: 0.05, seed: seed &* 0x9E37_79B9)
        var feed = journal.publishedChanges.makeAsyncIterator()
        let actor = try await ShowActor(show: "show-r", seats: seats, journal: journal, clock: clock)
        // Expiry runs only as an explicit step, so the run is replayable from its seed alone.
        await actor.shutdown()
        var replay = ReplayedShow(seats: seats)
        var bookingCount = 0
        var journalFailures = 0

        for step in 0..<Self.steps {
            let operation = Self.pick(&random, replay: replay, seats: seats, users: users, bookingCount: &bookingCount)
            let context = "seed \(seed) step \(step) (\(operation))"
            let now = clock.now

            // Predict from the replayed model, run against the actor.
            var predicted: SeatEngineError?
            var error: SeatEngineError?
            var changes = false
            var expired: SeatChange?
            do throws(SeatEngineError) {
                switch operation {
                case .lock(let booking, let user, let wanted, let seconds):
                    predicted = replay.predictLock(booking: booking, user: user, seats: wanted)
                    changes = true
                    try await actor.lock(booking: booking, user: user, seats: wanted, expiresAt: now + seconds)
                case .release(let booking):
                    predicted = replay.predictRelease(booking: booking)
                    changes = true
                    try await actor.release(booking: booking)
                case .beginPayment(let booking, let payment):
                    predicted = replay.predictBeginPayment(booking: booking, now: now)
                    try await actor.beginPayment(booking: booking, payment: payment)
                    replay.pins[booking] = payment
                case .endPayment(let booking, let payment):
                    await actor.endPayment(booking: booking, payment: payment)
                    if replay.pins[booking] == payment { replay.pins[booking] = nil }
                case .book(let booking, let payment):
                    predicted = replay.predictBook(booking: booking, payment: payment)
                    changes = true
                    try await actor.book(booking: booking, charge: Charge(payment: payment, transaction: "txn-\(payment)"))
                case .cancel(let booking):
                    predicted = replay.predictCancel(booking: booking)
                    changes = true
                    try await actor.cancel(booking: booking)
                case .advance(let seconds):
                    clock.advance(by: seconds)
                case .expire:
                    changes = !replay.due(at: now).isEmpty
                    expired = try await actor.expireDue()
                }
            } catch let thrown {
                error = thrown
            }

            if case .expire = operation, error == nil {
                try #require((expired != nil) == changes, "\(context): expireDue returned \(String(describing: expired))")
            }

            // The outcome must be the predicted one, or a journal failure the journal really reported.
            let failuresNow = await journal.book.failures
            if error == .journalFailed {
                try #require(predicted == nil && changes, "\(context): journalFailed where \(String(describing: predicted)) was due")
                try #require(failuresNow == journalFailures + 1, "\(context): journalFailed but the journal did not fail")
            } else {
                try #require(error == predicted, "\(context): got \(String(describing: error)), predicted \(String(describing: predicted))")
                try #require(failuresNow == journalFailures, "\(context): the journal failed but the call succeeded")
            }
            journalFailures = failuresNow

            // Replay what was published; it must be gap-free and agree with the journal's record.
            let map = await actor.seatMap
            let durable = await journal.book.durable
            let effects = await journal.book.durableEffects
            while replay.version < map.version {
                guard let change = await feed.next() else { break }
                let position = Int(change.version) - 1
                try #require(
                    position < durable.count && durable[position] == change,
                    "\(context): published v\(change.version) is not the journal's")
                let problems = replay.apply(change, effect: effects[position])
                try #require(problems.isEmpty, "\(context): \(problems)")
            }
            try #require(durable.count == Int(replay.version), "\(context): journal has \(durable.count), published \(replay.version)")

            let violations = invariantViolations(of: map) + replay.differences(from: map)
            try #require(violations.isEmpty, "\(context): \(violations)")
            try #require(await actor.counts() == map.counts, "\(context): counts disagree with the map")
        }
        #expect(journalFailures > 0, "seed \(seed): the journal never failed, so rollback went untested")
    }

    /// Picks the next operation, biased towards bookings that exist so most steps do something.
    static func pick(
        _ random: inout SplitMix64,
        replay: ReplayedShow,
        seats: [String],
        users: [String],
        bookingCount: inout Int
    ) -> RandomStep {
        func known(preferring preferred: [BookingID]) -> BookingID {
            if !preferred.isEmpty, random.chance(0.75) { return preferred.randomElement(using: &random)! }
            return bookingCount == 0 || random.chance(0.05) ? "ghost" : "b\(Int.random(in: 0..<bookingCount, using: &random))"
        }
        // Two payments per booking, so a second charge of a booking being paid for is tried too.
        func payment() -> PaymentID { random.chance(0.5) ? "p1" : "p2" }
        let roll = Int.random(in: 0..<100, using: &random)
        let held = replay.holds.keys.sorted()
        switch roll {
        case 0..<35:
            var wanted = Array(seats.shuffled(using: &random).prefix(Int.random(in: 1...4, using: &random)))
            let twist = Int.random(in: 0..<100, using: &random)
            if twist < 3 {
                wanted = []
            } else if twist < 6 {
                wanted = Array(seats.shuffled(using: &random).prefix(11))
            } else if twist < 10 {
                wanted.append(wanted[0])
            } else if twist < 14 {
                wanted.insert("Z9", at: 0)
            }
            bookingCount += 1
            let user = users.randomElement(using: &random)!
            return .lock("b\(bookingCount - 1)", user, wanted, TimeInterval(Int.random(in: 10...120, using: &random)))
        case 35..<45: return .release(known(preferring: held))
        case 45..<57: return .beginPayment(known(preferring: held), payment())
        case 57..<65: return .endPayment(known(preferring: replay.pins.keys.sorted()), payment())
        case 65..<77: return .book(known(preferring: replay.pins.keys.sorted() + held), payment())
        case 77..<85: return .cancel(known(preferring: replay.booked.keys.sorted()))
        case 85..<95: return .advance(TimeInterval(Int.random(in: 1...40, using: &random)))
        default: return .expire
        }
    }
}
