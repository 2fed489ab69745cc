#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

// Following another writer: a change another node made durable, applied to this copy as it stands, so the copy stays
// current without loading the show again.

extension SeatMap {
    /// Holds learned from another writer expire here this long after their time: the node that took the hold expires it
    /// on time, and this copy only when that node did not (it stopped), so two nodes do not race for every expiry.
    public static let followerGrace: Double = 1

    /// Applies `effect`, another writer's durable change of version `version`, when it is this map's next version and
    /// every change made here is settled; returns false, changing nothing, when it is not, or when the effect does not
    /// fit what this map holds (a hold it ends is not here or is being paid for here, a seat it takes is not free) — the
    /// map is then out of date, and the show must be loaded again. A followed change is durable: it has no undo record.
    public mutating func follow(version: Int64, effect: FollowedEffect) -> Bool {
        guard undoLog.isEmpty, version == self.version + 1 else { return false }
        // The same steps as the map's own changes (`SeatMap+Undo`); their undo record is dropped: the change is durable.
        var durable = SeatUndo()
        switch effect {
        case .locked(let hold, let replacing):
            guard liveHolds[hold.booking] == nil, bookedSeats[hold.booking] == nil, !hold.seats.isEmpty else { return false }
            let replaced = replacing.flatMap { liveHolds[$0] }
            if let replacing { guard replaced != nil, pins[replacing] == nil else { return false } }
            var positions: [Int] = []
            for seat in hold.seats {
                guard let position = index[seat], statusAt[position] == .available || (replacing != nil && ownerAt[position] == replacing)
                else { return false }
                positions.append(position)
            }
            guard Set(positions).count == positions.count else { return false }
            if let replaced { removeHold(replaced, recording: &durable) }
            for position in positions { setSeat(position, .held, owner: hold.booking, recording: &durable) }
            var normalized = hold
            normalized.seats = positions.sorted().map { seats[$0] }
            setHold(normalized, for: hold.booking, recording: &durable)
            followed.insert(hold.booking)
        case .ended(let bookings):
            let holds = bookings.compactMap { liveHolds[$0] }
            guard !holds.isEmpty, holds.count == bookings.count, Set(bookings).count == bookings.count,
                holds.allSatisfy({ pins[$0.booking] == nil })
            else { return false }
            for hold in holds { removeHold(hold, recording: &durable) }
        case .booked(let booking):
            guard let hold = liveHolds[booking], pins[booking] == nil else { return false }
            for seat in hold.seats { if let position = index[seat] { setSeat(position, .booked, owner: booking, recording: &durable) } }
            setHold(nil, for: booking, recording: &durable)
            setBooked(hold.seats, for: booking, recording: &durable)
        case .cancelled(let booking):
            guard let booked = bookedSeats[booking] else { return false }
            for seat in booked { if let position = index[seat] { setSeat(position, .available, owner: nil, recording: &durable) } }
            setBooked(nil, for: booking, recording: &durable)
        }
        self.version = version
        return true
    }

    /// Another writer extended the live hold of `booking` to `expiresAt` (no seat changes, so no version): the hold here
    /// runs until then. False, changing nothing, when the hold is not here or already runs at least that long.
    public mutating func followExtension(of booking: BookingID, to expiresAt: Date) -> Bool {
        guard var hold = liveHolds[booking], hold.expiresAt < expiresAt else { return false }
        hold.expiresAt = expiresAt
        liveHolds[booking] = hold
        return true
    }

    /// When `hold` may expire on this copy: at its time, or `followerGrace` later for a hold learned from another writer.
    func expiryHere(_ hold: Hold) -> Date {
        followed.contains(hold.booking) ? hold.expiresAt.addingTimeInterval(Self.followerGrace) : hold.expiresAt
    }
}
