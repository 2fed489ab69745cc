#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// One show's seats, holds, bookings and version: every check-and-change is one synchronous, all-or-nothing step.
///
/// Operations live in extensions (`SeatMap+Holds`, `SeatMap+Payment`); each returns the change for version + 1
/// or throws without changing anything. Every change keeps an undo record until `settle(through:)` says it is durable,
/// so `rollBack(from:)` can restore the state before it (`SeatMap+Undo`).
public struct SeatMap: Sendable {
    /// Most seats one booking may hold.
    public static let maxSeatsPerBooking = 10

    /// The show these seats belong to.
    public let show: ShowID
    /// Seat numbers in layout order.
    public let seats: [String]
    /// The hall: which seats are side by side, their categories and kinds, and the show's single-seat-gap rule.
    public let plan: SeatingPlan
    /// The version of the last change applied (committed or not).
    public internal(set) var version: Int64

    let index: [String: Int]
    var statusAt: [SeatStatus]
    var ownerAt: [BookingID?]
    var liveHolds: [BookingID: Hold]
    var bookedSeats: [BookingID: [String]]
    /// The payment in progress per booking (at most one): a pinned hold never expires, is never replaced or released.
    var pins: [BookingID: PaymentID]
    /// Live holds learned from another writer's change (`follow`): they expire here only `followerGrace` after their time.
    var followed: Set<BookingID> = []
    var undoLog: [SeatUndo]

    /// A map of `seats` (layout order) seeded with `state`; throws when the seed contradicts itself or the layout.
    /// It knows no neighbours (`SeatingPlan(unarranged:)`): best available gives it one seat at a time.
    public init(show: ShowID, seats: [String], state: SeatMapState = SeatMapState()) throws(SeatEngineError) {
        try self.init(show: show, plan: SeatingPlan(unarranged: seats), state: state)
    }

    /// A map of the seats of `plan` seeded with `state`; throws when the seed contradicts itself or the plan.
    public init(show: ShowID, plan: SeatingPlan, state: SeatMapState = SeatMapState()) throws(SeatEngineError) {
        let seats = plan.seats
        var index: [String: Int] = [:]
        var duplicates: [String] = []
        for (position, seat) in seats.enumerated() where index.updateValue(position, forKey: seat) != nil {
            duplicates.append(seat)
        }
        guard duplicates.isEmpty else { throw .duplicateSeat(seats: duplicates) }

        self.show = show
        self.seats = seats
        self.plan = plan
        self.index = index
        self.version = state.version
        self.statusAt = Array(repeating: .available, count: seats.count)
        self.ownerAt = Array(repeating: nil, count: seats.count)
        self.liveHolds = [:]
        self.bookedSeats = [:]
        self.pins = [:]
        self.undoLog = []

        for hold in state.holds {
            let positions = try seedPositions(of: hold.booking, seats: hold.seats)
            var normalized = hold
            normalized.seats = positions.map { seats[$0] }
            for position in positions { setSeat(position, .held, owner: hold.booking) }
            liveHolds[hold.booking] = normalized
        }
        for (booking, bookedList) in state.booked.sorted(by: { $0.key < $1.key }) {
            let positions = try seedPositions(of: booking, seats: bookedList)
            for position in positions { setSeat(position, .booked, owner: booking) }
            bookedSeats[booking] = positions.map { seats[$0] }
        }
    }

    /// Validates one seeded booking: known, distinct seats that no other seeded booking owns.
    private func seedPositions(of booking: BookingID, seats requested: [String]) throws(SeatEngineError) -> [Int] {
        guard !requested.isEmpty else { throw .noSeats }
        guard liveHolds[booking] == nil, bookedSeats[booking] == nil else { throw .unavailable(seats: requested) }
        let unknown = requested.filter { index[$0] == nil }
        guard unknown.isEmpty else { throw .unknownSeat(seats: unknown) }
        let positions = requested.compactMap { index[$0] }
        guard Set(positions).count == positions.count else { throw .duplicateSeat(seats: requested) }
        let taken = positions.filter { ownerAt[$0] != nil }.map { seats[$0] }
        guard taken.isEmpty else { throw .unavailable(seats: taken) }
        return positions.sorted()
    }

    // MARK: - Queries

    /// The status of `seat`, or nil when it is not a seat of this show.
    public func status(of seat: String) -> SeatStatus? {
        index[seat].map { statusAt[$0] }
    }

    /// The booking that holds or booked `seat`, if any.
    public func owner(of seat: String) -> BookingID? {
        index[seat].flatMap { ownerAt[$0] }
    }

    /// Every seat's status, in layout order (parallel to `seats`).
    public var statuses: [SeatStatus] { statusAt }

    /// Seats grouped by status, in layout order.
    public var snapshot: SeatSnapshot {
        var available: [String] = []
        var held: [String] = []
        var booked: [String] = []
        for (position, status) in statusAt.enumerated() {
            switch status {
            case .available: available.append(seats[position])
            case .held: held.append(seats[position])
            case .booked: booked.append(seats[position])
            }
        }
        return SeatSnapshot(version: version, available: available, held: held, booked: booked)
    }

    /// How many seats are in each status.
    public var counts: SeatCounts {
        var held = 0
        var booked = 0
        for status in statusAt {
            if status == .held { held += 1 } else if status == .booked { booked += 1 }
        }
        return SeatCounts(version: version, available: seats.count - held - booked, held: held, booked: booked, total: seats.count)
    }

    /// Live holds, earliest expiry first (ties by booking id).
    public var holds: [Hold] {
        liveHolds.values.sorted { ($0.expiresAt, $0.booking) < ($1.expiresAt, $1.booking) }
    }

    /// The live hold of `booking`, if it is pending.
    public func hold(for booking: BookingID) -> Hold? {
        liveHolds[booking]
    }

    /// Confirmed bookings and their seats in layout order.
    public var booked: [BookingID: [String]] { bookedSeats }

    /// Whether a payment for `booking` is in progress, so its hold cannot expire.
    public func isPinned(_ booking: BookingID) -> Bool {
        pins[booking] != nil
    }

    /// The payment being charged for `booking`, if one is.
    public func payment(pinning booking: BookingID) -> PaymentID? {
        pins[booking]
    }

    /// The earliest expiry among holds that can expire (those not pinned for payment): when the timer must fire.
    public var earliestExpiry: Date? {
        liveHolds.values.lazy.filter { pins[$0.booking] == nil }.map(expiryHere).min()
    }

    /// The durable-state seed that rebuilds this map's seats, holds and version (holds sorted by booking id).
    public var state: SeatMapState {
        SeatMapState(version: version, holds: liveHolds.values.sorted { $0.booking < $1.booking }, booked: bookedSeats)
    }
}
