#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

// Holding seats, releasing them, and letting them expire.

extension SeatMap {
    /// Holds `seats` for a new pending `booking` until `expiresAt`, replacing the same user's earlier pending booking here.
    ///
    /// Checks, in order: no seats, more than `maxSeatsPerBooking`, a seat twice, a seat not of this show, seats not
    /// available, and — when the plan refuses single-seat gaps — seats the lock would strand. Seats of the user's
    /// earlier pending booking count as available, because it is released in the same step — unless a payment for it
    /// is in progress: then it cannot be replaced, and its seats are reported unavailable.
    /// A booking id already in use counts as all of `seats` unavailable.
    public mutating func lock(
        booking: BookingID,
        user: UserID,
        seats requested: [String],
        expiresAt: Date,
        now: Date
    ) throws(SeatEngineError) -> (change: SeatChange, effect: SeatEffect) {
        let step = try hold(booking: booking, user: user, seats: requested, expiresAt: expiresAt, now: now)
        return (step.change, .locked(hold: step.hold, replaced: step.replaced))
    }

    /// `lock` with its effect's parts unpacked, for the actor. `checksGaps: false` skips the single-seat-gap rule,
    /// which binds explicit locks only (best available strands a seat only when every block would).
    mutating func hold(
        booking: BookingID,
        user: UserID,
        seats requested: [String],
        expiresAt: Date,
        now: Date,
        checksGaps: Bool = true
    ) throws(SeatEngineError) -> (change: SeatChange, hold: Hold, replaced: Hold?) {
        guard !requested.isEmpty else { throw .noSeats }
        guard requested.count <= Self.maxSeatsPerBooking else { throw .tooManySeats(max: Self.maxSeatsPerBooking) }

        var seen: Set<String> = []
        var duplicates: [String] = []
        for seat in requested where !seen.insert(seat).inserted && !duplicates.contains(seat) {
            duplicates.append(seat)
        }
        guard duplicates.isEmpty else { throw .duplicateSeat(seats: duplicates) }

        let unknown = requested.filter { index[$0] == nil }
        guard unknown.isEmpty else { throw .unknownSeat(seats: unknown) }

        guard liveHolds[booking] == nil, bookedSeats[booking] == nil else { throw .unavailable(seats: requested) }
        let (earlier, replaced) = earlierHolds(of: user)
        var unavailable = requested.filter { seat in
            let position = index[seat]!  // every seat is known, checked above
            return statusAt[position] != .available && ownerAt[position] != replaced?.booking
        }
        for paying in earlier where pins[paying.booking] != nil {
            unavailable += paying.seats.filter { !unavailable.contains($0) }
        }
        guard unavailable.isEmpty else { throw .unavailable(seats: unavailable) }
        if checksGaps && plan.singleSeatGaps == .refuse {
            let stranded = plan.strandedSeats(bySelecting: requested.map { index[$0]! }, available: availability(freeing: replaced))
            guard stranded.isEmpty else { throw .singleSeatGap(seats: stranded.map { seats[$0] }) }
        }

        var undo = SeatUndo()
        if let replaced { removeHold(replaced, recording: &undo) }
        let positions = requested.map { index[$0]! }.sorted()
        for position in positions { setSeat(position, .held, owner: booking, recording: &undo) }
        // Changing seats never restarts the clock: the new hold keeps the replaced one's expiry and start.
        let hold = Hold(
            booking: booking, user: user, seats: positions.map { seats[$0] }, expiresAt: replaced?.expiresAt ?? expiresAt,
            startedAt: replaced.map { $0.startedAt ?? now } ?? now)
        setHold(hold, for: booking, recording: &undo)
        return (finish(undo, cause: .lock, now: now), hold, replaced)
    }

    /// The user's pending holds on this show, earliest expiry first, and the one a new lock replaces: the earliest
    /// whose payment is not in progress.
    func earlierHolds(of user: UserID) -> (earlier: [Hold], replaced: Hold?) {
        let earlier = liveHolds.values.filter { $0.user == user }.sorted { ($0.expiresAt, $0.booking) < ($1.expiresAt, $1.booking) }
        return (earlier, earlier.first { pins[$0.booking] == nil })
    }

    /// Every seat's availability (parallel to `seats`) as a lock that releases `replaced` in the same step sees it.
    func availability(freeing replaced: Hold?) -> [Bool] {
        var available = statusAt.map { $0 == .available }
        for seat in replaced?.seats ?? [] {
            if let position = index[seat] { available[position] = true }
        }
        return available
    }

    /// Cancels a pending booking at its user's request: its seats become available. Not while its card is charged.
    public mutating func release(booking: BookingID, now: Date) throws(SeatEngineError) -> (change: SeatChange, effect: SeatEffect) {
        guard let hold = liveHolds[booking] else { throw bookedSeats[booking] != nil ? .alreadyBooked : .holdNotFound }
        guard pins[booking] == nil else { throw .paymentInProgress }
        var undo = SeatUndo()
        removeHold(hold, recording: &undo)
        return (finish(undo, cause: .release, now: now), .released(hold))
    }

    /// Releases, in one change, every hold whose time is up at `now` and whose payment is not in progress; nil if none is.
    /// A hold learned from another writer is up `followerGrace` after its time (`SeatMap+Follow`).
    public mutating func expire(now: Date) -> (change: SeatChange, effect: SeatEffect)? {
        let due = holds.filter { expiryHere($0) <= now && pins[$0.booking] == nil }
        guard !due.isEmpty else { return nil }
        var undo = SeatUndo()
        for hold in due { removeHold(hold, recording: &undo) }
        return (finish(undo, cause: .expire, now: now), .expired(due))
    }
}
