/// Whom a seat is for. Best available hands out `standard` seats, and wheelchair spaces with their companion seats
/// only when a request asks for them (docs/SEATING.md).
public enum SeatKind: String, Codable, Sendable, CaseIterable {
    case standard
    /// A space for a wheelchair.
    case wheelchair
    /// A seat for the person accompanying a wheelchair user, beside a wheelchair space.
    case companion
}
