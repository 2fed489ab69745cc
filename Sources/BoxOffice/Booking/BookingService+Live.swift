import SeatEngine

/// What the live feed (WebSocket) asks of the engine.
extension BookingService {
    /// The show's committed seats by status, at one version; nil for an unknown show.
    public func snapshot(showId: String) async throws -> SeatSnapshot? {
        guard let actor = try await actors.actor(for: showId) else { return nil }
        return await actor.snapshot()
    }
}
