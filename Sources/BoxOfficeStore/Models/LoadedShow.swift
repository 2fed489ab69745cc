import Foundation
import SeatEngine

/// A show with its layout already turned into seats: what the hot paths (seat map, locks) need, decoded once.
///
/// Immutable. `revision` tells two loads of the same show apart: it changes whenever the show is read again
/// after an admin edit, so anything derived from a `LoadedShow` (a rendered seat map) can be keyed by it.
public final class LoadedShow: Sendable {
    public let show: Show
    /// Every seat, in layout order (row by row, column by column), blocked places left out.
    public let seats: [Seat]
    /// Seat number → position in `seats`.
    public let seatIndex: [String: Int]
    /// The hall as the seat engine sees it, its seats in the order of `seats`: kinds, neighbours, the gap rule.
    public let plan: SeatingPlan
    /// Distinct for every load of any show by one cache; 0 for a show loaded without a cache.
    public let revision: UInt64

    public init(show: Show, revision: UInt64 = 0) {
        self.show = show
        let seats = show.layout.seats()
        self.seats = seats
        var index = [String: Int](minimumCapacity: seats.count)
        for (position, seat) in seats.enumerated() { index[seat.seatNumber] = position }
        self.seatIndex = index
        self.plan = show.layout.seatingPlan()
        self.revision = revision
    }

    /// The seats with these numbers, in layout order, each once; numbers that are not seats of this show are left out.
    public func seats(numbered numbers: [String]) -> [Seat] {
        var positions = [Int]()
        positions.reserveCapacity(numbers.count)
        for number in numbers {
            if let position = seatIndex[number] { positions.append(position) }
        }
        positions.sort()
        var result = [Seat]()
        result.reserveCapacity(positions.count)
        var last = -1
        for position in positions where position != last {
            result.append(seats[position])
            last = position
        }
        return result
    }
}
