import SeatEngine

/// Where durable seat changes go live (the WebSocket hub). Called in version order per show; must not block.
public protocol SeatChangeFeed: Sendable {
    func publish(_ change: SeatChange)
}
