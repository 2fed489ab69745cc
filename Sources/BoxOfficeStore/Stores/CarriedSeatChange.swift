import Foundation
import SeatEngine

/// A seat change as another node's notice carried it. Every node hears every change, and most are of shows nobody
/// here follows, so the seats are decoded only when the change is applied.
public struct CarriedSeatChange: Sendable, Equatable {
    public let show: String
    public let version: Int64
    let cause: ChangeCause
    let at: Date
    /// What the change did to the show's bookings (`FollowedEffectText`), nil when the notice did not say.
    let effect: String?
    /// The seats' JSON as stored (`JSONText.updates`).
    let seats: String

    init(show: String, version: Int64, cause: ChangeCause, at: Date, effect: String? = nil, seats: String) {
        self.show = show
        self.version = version
        self.cause = cause
        self.at = at
        self.effect = effect
        self.seats = seats
    }

    /// `change` as a notice carries it, with the effect of `bookings`.
    public init(_ change: SeatChange, bookings: BookingChange? = nil) {
        self.init(
            show: change.show, version: change.version, cause: change.cause, at: change.at, effect: FollowedEffectText.text(bookings),
            seats: JSONText.updates(change.seats))
    }

    /// What the change did to the show's bookings, for a copy to apply it (`ShowActor.follow`); nil when the notice
    /// did not say or it cannot be read (then the copy is loaded again).
    public func followedEffect() -> FollowedEffect? {
        effect.flatMap { FollowedEffectText.effect($0[...]) }
    }

    /// The change, or nil when its seats cannot be read (then read it from the journal).
    public func change() -> SeatChange? {
        guard let seats = try? JSONText.updates(from: seats) else { return nil }
        return SeatChange(show: show, version: version, cause: cause, seats: seats, at: at)
    }
}
