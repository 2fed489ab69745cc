/// What a change did at the booking level, so the journal can write booking rows in the same transaction as the SeatChange.
public enum SeatEffect: Sendable, Equatable {
    /// A new pending booking; `replaced` is the same user's earlier pending booking on this show, released in the same step.
    case locked(hold: Hold, replaced: Hold?)
    /// A pending booking cancelled by its user.
    case released(Hold)
    /// Pending bookings whose time ran out.
    case expired([Hold])
    /// Payment succeeded: the hold became booked in the same step, paid by `charge`. `soldOut`: with it every seat of
    /// the show is booked (none available, none held).
    case booked(Hold, charge: Charge, soldOut: Bool)
    /// A confirmed booking cancelled: its seats are available again.
    case cancelled(booking: BookingID, seats: [String])
}
