import Foundation
import SeatEngine

/// A seat change as another node's notice carried it. Every node hears every change, and most are of shows nobody
/// here follows, so the seats are decoded only when the change is applied.
public struct CarriedSeatChange: Sendable, Equatable {
    public let show: String
    public let version: Int64
    let cause: ChangeCause
    let at: Date
    /// The seats' JSON as stored (`JSONText.updates`).
    let seats: String

    init(show: String, version: Int64, cause: ChangeCause, at: Date, seats: String) {
        self.show = show
        self.version = version
        self.cause = cause
        self.at = at
        self.seats = seats
    }

    /// `change` as a notice carries it.
    public init(_ change: SeatChange) {
        self.init(show: change.show, version: change.version, cause: change.cause, at: change.at, seats: JSONText.updates(change.seats))
    }

    /// The change, or nil when its seats cannot be read (then read it from the journal).
    public func change() -> SeatChange? {
        guard let seats = try? JSONText.updates(from: seats) else { return nil }
        return SeatChange(show: show, version: version, cause: cause, seats: seats, at: at)
    }
}
