import BoxOffice
import SeatEngine

/// The seat changes the services published, in order, for a test to wait on: a change is published once it is
/// durable, so a test that has seen it may read the store and find it there.
final class RecordedFeed: SeatChangeFeed {
    private let changes: AsyncStream<SeatChange>
    private let continuation: AsyncStream<SeatChange>.Continuation

    init() {
        (changes, continuation) = AsyncStream.makeStream(of: SeatChange.self)
    }

    func publish(_ change: SeatChange) {
        continuation.yield(change)
    }

    /// Waits for the next published change caused by `cause`, skipping the others; nil if the feed ended first.
    func next(_ cause: ChangeCause) async -> SeatChange? {
        for await change in changes where change.cause == cause { return change }
        return nil
    }
}
