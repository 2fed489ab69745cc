#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

// Best available, and the blocks offered instead of a refused explicit lock (docs/SEATING.md).

extension SeatMap {
    /// Holds the best block of `count` seats for a new pending `booking` until `expiresAt`, replacing the same user's
    /// earlier pending booking here, in one step: the pick and the hold see the same seats.
    ///
    /// Checks, in order: `count` from 1 to `maxSeatsPerBooking`, `accessible` from 0 to `count`, a known `category`,
    /// then picks (`SeatingPlan.bestBlock`), counting the seats of the replaced booking as available, and holds the
    /// block exactly as an explicit `lock` of those seats would — the same checks, change, effect and undo record.
    /// Throws `seatsNotTogether(largestBlock:)` when no block fits.
    public mutating func lockBest(
        booking: BookingID,
        user: UserID,
        count: Int,
        category: String? = nil,
        accessible: Int = 0,
        expiresAt: Date,
        now: Date
    ) throws(SeatEngineError) -> (change: SeatChange, effect: SeatEffect) {
        let request = try BestAvailableRequest(count: count, category: category, accessible: accessible)
        let step = try holdBest(booking: booking, user: user, request: request, expiresAt: expiresAt, now: now)
        return (step.change, .locked(hold: step.hold, replaced: step.replaced))
    }

    /// `lockBest` with its effect's parts unpacked, for the actor.
    mutating func holdBest(
        booking: BookingID,
        user: UserID,
        request: BestAvailableRequest,
        expiresAt: Date,
        now: Date
    ) throws(SeatEngineError) -> (change: SeatChange, hold: Hold, replaced: Hold?) {
        if let category = request.category, plan.categoryNumber(category) == nil { throw .unknownCategory(name: category) }
        let available = availability(freeing: earlierHolds(of: user).replaced)
        switch plan.bestBlock(for: request, available: available) {
        case .none(let largestBlock):
            throw .seatsNotTogether(largestBlock: largestBlock)
        case .block(let block):
            return try hold(booking: booking, user: user, seats: block.map { seats[$0] }, expiresAt: expiresAt, now: now, checksGaps: false)
        }
    }

    /// Up to three blocks to offer `user` instead of `requested`, an explicit lock refused as unavailable: as many
    /// seats side by side, in the category of the first seat asked, available now (the user's replaceable booking's
    /// seats included), nearest the first seat asked first (`SeatingPlan.alternatives`). Empty when a seat is unknown.
    public func alternatives(to requested: [String], user: UserID) -> [[String]] {
        var positions: [Int] = []
        positions.reserveCapacity(requested.count)
        for seat in requested {
            guard let position = index[seat] else { return [] }
            positions.append(position)
        }
        let available = availability(freeing: earlierHolds(of: user).replaced)
        return plan.alternatives(to: positions, available: available).map { block in block.map { seats[$0] } }
    }
}
