#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

// Every change records the prior value of each seat, hold, booking and pin it touches (the first time it touches it),
// so undoing changes newest-first restores exactly the state before them, whatever they were.

/// The value an entry had before a change touched it (nil: the entry did not exist).
struct Prior<Value: Sendable>: Sendable {
    let value: Value?
}

/// How to restore the state before one change: the prior value of everything it touched.
struct SeatUndo: Sendable {
    var seats: [Int: Prior<SeatOwnership>] = [:]
    var holds: [BookingID: Prior<Hold>] = [:]
    var booked: [BookingID: Prior<[String]>] = [:]
    var pins: [BookingID: Prior<PaymentID>] = [:]
    /// The version the change produced; set when the change is finished.
    var version: Int64 = 0
}

/// A seat's status and owning booking, as one undoable value.
struct SeatOwnership: Sendable {
    let status: SeatStatus
    let owner: BookingID?
}

extension SeatMap {
    // MARK: - Recorded mutations

    /// Sets a seat without recording (seeding and undoing only).
    mutating func setSeat(_ position: Int, _ status: SeatStatus, owner: BookingID?) {
        statusAt[position] = status
        ownerAt[position] = owner
    }

    mutating func setSeat(_ position: Int, _ status: SeatStatus, owner: BookingID?, recording undo: inout SeatUndo) {
        if undo.seats[position] == nil {
            undo.seats[position] = Prior(value: SeatOwnership(status: statusAt[position], owner: ownerAt[position]))
        }
        setSeat(position, status, owner: owner)
    }

    mutating func setHold(_ hold: Hold?, for booking: BookingID, recording undo: inout SeatUndo) {
        if undo.holds[booking] == nil { undo.holds[booking] = Prior(value: liveHolds[booking]) }
        liveHolds[booking] = hold
        // (Not undone: a followed hold that comes back with a rollback expires here at its own time, a harmless change.)
        if hold == nil { followed.remove(booking) }
    }

    mutating func setBooked(_ seats: [String]?, for booking: BookingID, recording undo: inout SeatUndo) {
        if undo.booked[booking] == nil { undo.booked[booking] = Prior(value: bookedSeats[booking]) }
        bookedSeats[booking] = seats
    }

    mutating func setPin(_ payment: PaymentID?, for booking: BookingID, recording undo: inout SeatUndo) {
        if undo.pins[booking] == nil { undo.pins[booking] = Prior(value: pins[booking]) }
        pins[booking] = payment
    }

    /// Drops a hold and its pin and frees its seats.
    mutating func removeHold(_ hold: Hold, recording undo: inout SeatUndo) {
        for seat in hold.seats {
            guard let position = index[seat] else { continue }
            setSeat(position, .available, owner: nil, recording: &undo)
        }
        setHold(nil, for: hold.booking, recording: &undo)
        setPin(nil, for: hold.booking, recording: &undo)
    }

    /// Closes a step: bumps the version, keeps the undo record, and describes every touched seat in layout order.
    mutating func finish(_ undo: SeatUndo, cause: ChangeCause, now: Date) -> SeatChange {
        version += 1
        var record = undo
        record.version = version
        undoLog.append(record)
        let updates = undo.seats.keys.sorted().map { SeatUpdate(seat: seats[$0], status: statusAt[$0]) }
        return SeatChange(show: show, version: version, cause: cause, seats: updates, at: now)
    }

    // MARK: - Settling and rolling back

    /// The versions of changes not yet settled (still undoable), oldest first.
    public var unsettledVersions: [Int64] { undoLog.map(\.version) }

    /// Forgets how to undo the changes up to `version`: they are durable now.
    public mutating func settle(through version: Int64) {
        undoLog.removeAll { $0.version <= version }
    }

    /// Undoes every unsettled change from `version` on, newest first; returns how many were undone.
    @discardableResult
    public mutating func rollBack(from version: Int64) -> Int {
        var undone = 0
        while let record = undoLog.last, record.version >= version {
            undoLog.removeLast()
            restore(record)
            undone += 1
        }
        return undone
    }

    private mutating func restore(_ record: SeatUndo) {
        for (position, prior) in record.seats {
            setSeat(position, prior.value?.status ?? .available, owner: prior.value?.owner)
        }
        for (booking, prior) in record.holds { liveHolds[booking] = prior.value }
        for (booking, prior) in record.booked { bookedSeats[booking] = prior.value }
        for (booking, prior) in record.pins { pins[booking] = prior.value }
        version = record.version - 1
    }
}
