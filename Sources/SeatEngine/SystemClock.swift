#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Real time: wall-clock `now`, sleeping with Task.sleep.
public struct SystemClock: EngineClock {
    /// The system clock.
    public init() {}

    /// The current wall-clock time, to the millisecond (`Date.roundedToMilliseconds`): the precision the journal keeps,
    /// so an answer written from memory says what every later read of the row says.
    public var now: Date { Date().roundedToMilliseconds }

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

extension Date {
    /// This instant to the nearest millisecond since 1970, as SQLite's journal writes dates (`StorageDate`; PostgreSQL
    /// keeps microseconds, of which this is a whole number). A date a few tenths of a millisecond before a second's end
    /// would otherwise format as that second in an answer and as the next one once read back from its row.
    public var roundedToMilliseconds: Date {
        Date(timeIntervalSinceReferenceDate: ((timeIntervalSinceReferenceDate + 978_307_200) * 1000).rounded() / 1000 - 978_307_200)
    }
}
