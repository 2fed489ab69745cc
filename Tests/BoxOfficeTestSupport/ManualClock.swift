import SeatEngine
import Synchronization

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Test clock: time moves only when `advance` is called, which wakes every sleeper whose deadline has come, in deadline order.
///
/// `EngineClock.now` is synchronous, so an actor cannot hold the time; a `Mutex` guards it instead. Test infrastructure
/// only (it lives in this test-support target, not in `SeatEngine`): production code runs on `SystemClock`.
public final class ManualClock: EngineClock {
    private struct Sleeper {
        let id: UInt64
        let deadline: Date
        let continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var now: Date
        var nextID: UInt64 = 0
        var sleepers: [Sleeper] = []
        /// Sleepers between taking an id and parking: a cancellation in that window is remembered here.
        var unparked: [UInt64: Bool] = [:]
    }

    private let state: Mutex<State>

    /// A clock stopped at `now` (by default a fixed instant, so runs are replayable).
    public init(now: Date = Date(timeIntervalSince1970: 1_800_000_000)) {
        state = Mutex(State(now: now))
    }

    /// The clock's current time.
    public var now: Date { state.withLock { $0.now } }

    /// How many tasks are sleeping on this clock.
    public var sleeperCount: Int { state.withLock { $0.sleepers.count } }

    /// The earliest deadline anyone sleeps until, if anyone sleeps.
    public var nextDeadline: Date? { state.withLock { $0.sleepers.map(\.deadline).min() } }

    /// Returns once the clock has been advanced to `deadline`; throws CancellationError when the task is cancelled.
    public func sleep(until deadline: Date) async throws {
        let id: UInt64? = state.withLock { state in
            guard deadline > state.now else { return nil }
            state.nextID += 1
            state.unparked[state.nextID] = false
            return state.nextID
        }
        guard let id else { return try Task.checkCancellation() }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let outcome: Result<Void, any Error>? = state.withLock { state in
                    let cancelled = state.unparked.removeValue(forKey: id) ?? false
                    if cancelled { return .failure(CancellationError()) }
                    if deadline <= state.now { return .success(()) }
                    state.sleepers.append(Sleeper(id: id, deadline: deadline, continuation: continuation))
                    return nil
                }
                if let outcome { continuation.resume(with: outcome) }
            }
        } onCancel: {
            let parked: CheckedContinuation<Void, any Error>? = state.withLock { state in
                if let position = state.sleepers.firstIndex(where: { $0.id == id }) {
                    return state.sleepers.remove(at: position).continuation
                }
                if state.unparked[id] != nil { state.unparked[id] = true }
                return nil
            }
            parked?.resume(throwing: CancellationError())
        }
    }

    /// Moves time forward by `seconds` and wakes the sleepers that are due.
    public func advance(by seconds: TimeInterval) {
        advance(to: now.addingTimeInterval(seconds))
    }

    /// Moves time forward to `date` (never backwards) and wakes the sleepers that are due, earliest deadline first.
    public func advance(to date: Date) {
        let due: [Sleeper] = state.withLock { state in
            state.now = max(state.now, date)
            let now = state.now
            let due = state.sleepers.filter { $0.deadline <= now }
            state.sleepers.removeAll { $0.deadline <= now }
            return due.sorted { ($0.deadline, $0.id) < ($1.deadline, $1.id) }
        }
        for sleeper in due { sleeper.continuation.resume() }
    }
}
