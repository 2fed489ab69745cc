/// What an explicit lock may do to a seat it would leave alone between taken places (docs/SEATING.md).
public enum SingleSeatGapRule: String, Codable, Sendable {
    /// Any lock of available seats is taken: the default, and the rule before there was one.
    case allow
    /// An explicit lock that would strand a seat is refused with `SeatEngineError.singleSeatGap(seats:)`.
    case refuse
}
