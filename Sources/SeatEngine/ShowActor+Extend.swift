extension ShowActor {
    /// More time for a pending hold (`SeatMap.extend`), durable before it returns. The new expiry is in force at once
    /// (so the hold cannot expire while it is written); if the journal cannot write it, the old one is put back.
    public func extend(booking: BookingID, holdFor duration: Duration) async throws(SeatEngineError) -> Hold {
        let now = touch()
        let step = try map.extend(booking: booking, holdTime: duration.timeInterval, now: now)
        rearmTimer()
        do {
            try await journal.extend(step.hold, at: now)
        } catch {
            map.restoreExpiry(booking: booking, to: step.previous, from: step.hold.expiresAt)
            rearmTimer()
            throw .journalFailed
        }
        return step.hold
    }
}
