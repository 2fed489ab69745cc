/// What another writer's durable change did to a show's bookings (another node on the same database): as much as a
/// copy of the show needs to apply the change itself instead of loading the show again (`SeatMap.follow`).
/// The holds and bookings it ends are named only: the copy knows their seats.
public enum FollowedEffect: Sendable, Equatable {
    /// A new pending booking holds its seats; `replacing` is the same user's earlier pending booking, ended in the same
    /// step.
    case locked(Hold, replacing: BookingID?)
    /// Pending bookings ended (released by their user, or expired): their seats are available.
    case ended([BookingID])
    /// A pending booking was paid for: its held seats are booked.
    case booked(BookingID)
    /// A confirmed booking was cancelled: its booked seats are available.
    case cancelled(BookingID)

    /// The part of `effect` another copy needs.
    public init(_ effect: SeatEffect) {
        switch effect {
        case .locked(let hold, let replaced): self = .locked(hold, replacing: replaced?.booking)
        case .released(let hold): self = .ended([hold.booking])
        case .expired(let holds): self = .ended(holds.map(\.booking))
        case .booked(let hold, _, _): self = .booked(hold.booking)
        case .cancelled(let booking, _): self = .cancelled(booking)
        }
    }
}
