#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Time for the engine: injected so tests can make expiry instant and replayable.
public protocol EngineClock: Sendable {
    /// The current time.
    var now: Date { get }
    /// Returns once `now` has reached `deadline` (at once if it has); throws CancellationError when the task is cancelled.
    func sleep(until deadline: Date) async throws
}
