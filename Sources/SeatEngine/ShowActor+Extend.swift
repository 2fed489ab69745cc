extension ShowActor {
    /// More time for a pending hold (`SeatMap.extend`), durable before it returns. The new expiry is in force at once
    /// (so the hold cannot expire while it is written); if the journal cannot write it, the old one is put back. A
    /// journal that finds the hold moved on by another writer (`StaleShow`: another node extended it since this copy
    /// loaded it) leaves the copy out of date: `.stale`, and the caller retries on the show loaded again.
    public func extend(booking: BookingID, holdFor duration: Duration) async throws(SeatEngineError) -> Hold {
        let now = touch()
        let step = try map.extend(booking: booking, holdTime: duration.timeInterval, now: now)
        rearmTimer()
        do {
            try await journal.extend(step.hold, at: now)
        } catch {
            map.restoreExpiry(booking: booking, to: step.previous, from: step.hold.expiresAt)
            rearmTimer()
            if error is StaleShow {
                markStale()
                throw .stale
            }
            throw .journalFailed
        }
        return step.hold
    }
}
