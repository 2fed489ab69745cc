import SeatEngine

/// Where durable seat changes go live (the WebSocket hub). Called in version order per show; must not block.
public protocol SeatChangeFeed: Sendable {
    func publish(_ change: SeatChange)
}

/// A feed nobody listens to.
public struct SilentFeed: SeatChangeFeed {
    public init() {}
    public func publish(_ change: SeatChange) {}
}
