import BoxOffice
import SeatEngine

/// The engine's side of the live feed: `publish` is called from a show's actor, in version order, before the REST
/// call that caused the change returns. It only enqueues (never blocks the show); the hub drains the stream in the
/// same order. The stream is unbounded because the hub's work per change is a few in-memory appends, far cheaper
/// than the journal write that precedes each change.
struct LiveChangeFeed: SeatChangeFeed {
    private let continuation: AsyncStream<SeatChange>.Continuation

    /// A feed for the engine and the stream of its changes for the hub.
    static func make() -> (feed: LiveChangeFeed, changes: AsyncStream<SeatChange>) {
        let (stream, continuation) = AsyncStream.makeStream(of: SeatChange.self, bufferingPolicy: .unbounded)
        return (LiveChangeFeed(continuation: continuation), stream)
    }

    func publish(_ change: SeatChange) {
        continuation.yield(change)
    }
}
