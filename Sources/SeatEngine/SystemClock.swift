#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Real time: wall-clock `now`, sleeping with Task.sleep.
public struct SystemClock: EngineClock {
    /// The system clock.
    public init() {}

    /// The current wall-clock time.
    public var now: Date { Date() }

    /// Sleeps until the wall clock reaches `deadline`.
    public func sleep(until deadline: Date) async throws {
        // Re-measures after waking, so a wall-clock step during the sleep costs at most one more round.
        while true {
            let remaining = deadline.timeIntervalSince(Date())
            guard remaining > 0 else { return }
            try await Task.sleep(for: .seconds(remaining))
        }
    }
}
