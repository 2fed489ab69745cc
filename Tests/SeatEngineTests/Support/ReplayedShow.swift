import SeatEngine

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// An independent model of a show, built only from published changes and their effects, written without SeatMap's
/// code: the random test checks the engine against it, and predicts each operation's outcome with it.
struct ReplayedShow {
    let seats: [String]
    var statuses: [String: SeatStatus]
    var holds: [BookingID: Hold] = [:]
    var booked: [BookingID: [String]] = [:]
    var pins: [BookingID: PaymentID] = [:]
    var version: Int64 = 0

    init(seats: [String]) {
        self.seats = seats
        statuses = Dictionary(uniqueKeysWithValues: seats.map { ($0, .available) })
    }

    /// Applies one published change; returns what disagreed (empty when the change is consistent with the model).
    mutating func apply(_ change: SeatChange, effect: SeatEffect) -> [String] {
        var problems: [String] = []
        if change.version != version + 1 { problems.append("version \(change.version) after \(version)") }
        version = change.version
        for update in change.seats {
            if statuses[update.seat] == nil { problems.append("unknown seat \(update.seat) in change") }
            statuses[update.seat] = update.status
        }
        var expected: [String: SeatStatus] = [:]
        switch effect {
        case .locked(let hold, let replaced):
            if change.cause != .lock { problems.append("cause \(change.cause) for a lock") }
            if let replaced {
                holds[replaced.booking] = nil
                pins[replaced.booking] = nil
                for seat in replaced.seats { expected[seat] = .available }
            }
            holds[hold.booking] = hold
            for seat in hold.seats { expected[seat] = .held }
        case .released(let hold):
            if change.cause != .release { problems.append("cause \(change.cause) for a release") }
            holds[hold.booking] = nil
            pins[hold.booking] = nil
            for seat in hold.seats { expected[seat] = .available }
        case .expired(let expired):
            if change.cause != .expire { problems.append("cause \(change.cause) for an expiry") }
            for hold in expired {
                holds[hold.booking] = nil
                for seat in hold.seats { expected[seat] = .available }
            }
        case .booked(let hold, _, let soldOut):
            if change.cause != .book { problems.append("cause \(change.cause) for a booking") }
            holds[hold.booking] = nil
            pins[hold.booking] = nil
            booked[hold.booking] = hold.seats
            for seat in hold.seats { expected[seat] = .booked }
            let everySeatBooked = statuses.values.allSatisfy { $0 == .booked }
            if soldOut != everySeatBooked { problems.append("v\(change.version) says soldOut \(soldOut), every seat booked: \(everySeatBooked)") }
        case .cancelled(let booking, let cancelled):
            if change.cause != .cancel { problems.append("cause \(change.cause) for a cancel") }
            booked[booking] = nil
            for seat in cancelled { expected[seat] = .available }
        }
        let updates = Dictionary(change.seats.map { ($0.seat, $0.status) }, uniquingKeysWith: { first, _ in first })
        if updates.count != change.seats.count { problems.append("a seat twice in v\(change.version)") }
        if updates != expected { problems.append("v\(change.version) updates \(updates) but effect implies \(expected)") }
        return problems
    }

    /// Holds that are due at `now` and not being paid for.
    func due(at now: Date) -> [Hold] {
        holds.values.filter { $0.expiresAt <= now && pins[$0.booking] == nil }
    }

    // MARK: - Predicting outcomes (the rules of API.md, restated)

    func predictLock(booking: BookingID, user: UserID, seats requested: [String]) -> SeatEngineError? {
        if requested.isEmpty { return .noSeats }
        if requested.count > 10 { return .tooManySeats(max: 10) }
        var duplicates: [String] = []
        for (offset, seat) in requested.enumerated()
        where requested[..<offset].contains(seat) && !duplicates.contains(seat) {
            duplicates.append(seat)
        }
        if !duplicates.isEmpty { return .duplicateSeat(seats: duplicates) }
        let unknown = requested.filter { statuses[$0] == nil }
        if !unknown.isEmpty { return .unknownSeat(seats: unknown) }
        if holds[booking] != nil || booked[booking] != nil { return .unavailable(seats: requested) }
        let mine = holds.values.filter { $0.user == user }
        let replaceable = Set(mine.filter { pins[$0.booking] == nil }.flatMap(\.seats))
        var unavailable = requested.filter { statuses[$0] != .available && !replaceable.contains($0) }
        for paying in mine where pins[paying.booking] != nil {
            unavailable += paying.seats.filter { !unavailable.contains($0) }
        }
        return unavailable.isEmpty ? nil : .unavailable(seats: unavailable)
    }

    func predictRelease(booking: BookingID) -> SeatEngineError? {
        if holds[booking] == nil { return gone(booking) }
        return pins[booking] != nil ? .paymentInProgress : nil
    }

    func predictBeginPayment(booking: BookingID, now: Date) -> SeatEngineError? {
        guard let hold = holds[booking] else { return gone(booking) }
        if pins[booking] != nil { return .paymentInProgress }
        return hold.expiresAt <= now ? .holdExpired : nil
    }

    func predictBook(booking: BookingID, payment: PaymentID) -> SeatEngineError? {
        guard holds[booking] != nil else { return gone(booking) }
        return pins[booking] == payment ? nil : .paymentNotStarted
    }

    /// Why a booking without a hold cannot be released or paid: its seats were booked, or it is gone.
    func gone(_ booking: BookingID) -> SeatEngineError {
        booked[booking] != nil ? .alreadyBooked : .holdNotFound
    }

    func predictCancel(booking: BookingID) -> SeatEngineError? {
        booked[booking] == nil ? .notBooked : nil
    }

    /// Where the model and `map` differ (empty when they agree).
    func differences(from map: SeatMap) -> [String] {
        var problems: [String] = []
        if map.version != version { problems.append("version \(map.version), replay \(version)") }
        let actual = Dictionary(uniqueKeysWithValues: zip(map.seats, map.statuses))
        if actual != statuses { problems.append("statuses differ from replay") }
        let actualHolds = Dictionary(uniqueKeysWithValues: map.holds.map { ($0.booking, $0) })
        if actualHolds != holds { problems.append("holds \(actualHolds.keys.sorted()), replay \(holds.keys.sorted())") }
        if map.booked != booked { problems.append("booked \(map.booked.keys.sorted()), replay \(booked.keys.sorted())") }
        let actualPins = Set(map.holds.map(\.booking).filter { map.isPinned($0) })
        if actualPins != Set(pins.keys) { problems.append("pinned \(actualPins.sorted()), replay \(pins.keys.sorted())") }
        for (booking, payment) in pins where map.payment(pinning: booking) != payment {
            problems.append("\(booking) pinned by \(String(describing: map.payment(pinning: booking))), replay \(payment)")
        }
        return problems
    }
}
