#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

// Best available through the actor: the pick and the hold are one synchronous step, so two requests never pick the
// same seat.

extension ShowActor {
    /// Holds the best block of `count` seats for a new pending `booking` for `duration`, replacing the user's earlier
    /// pending booking here (`SeatMap.lockBest`). `note` goes to the journal with the change.
    @discardableResult
    public func lockBest(
        booking: BookingID,
        user: UserID,
        count: Int,
        category: String? = nil,
        accessible: Int = 0,
        holdFor duration: Duration,
        note: JournalNote? = nil
    ) async throws(SeatEngineError) -> (change: SeatChange, hold: Hold, replaced: Hold?) {
        let request = try BestAvailableRequest(count: count, category: category, accessible: accessible)
        let now = touch()
        let expiresAt = now.addingTimeInterval(duration.timeInterval)
        let step = try map.holdBest(booking: booking, user: user, request: request, expiresAt: expiresAt, now: now)
        try await record(step.change, effect: .locked(hold: step.hold, replaced: step.replaced), note: note)
        return step
    }

    /// Up to three blocks to offer `user` instead of `seats`, refused as unavailable (`SeatMap.alternatives`). Reads
    /// every applied change, those still being written included: a seat in flight is not offered.
    public func alternatives(to seats: [String], user: UserID) -> [[String]] {
        map.alternatives(to: seats, user: user)
    }
}
