#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

// Expiry: one timer task per actor sleeps until the earliest hold that can expire, then expires every due hold in
// one change through the ordinary commit path. It is re-armed whenever holds or pins change.

extension ShowActor {
    /// How long the timer waits before retrying an expiry the journal refused.
    static let expiryRetryDelay: TimeInterval = 1

    /// Expires, in one change, every hold whose time is up and whose payment is not in progress; nil if none is due.
    @discardableResult
    public func expireDue() async throws(SeatEngineError) -> SeatChange? {
        guard let step = map.expire(now: clock.now) else { return nil }
        do {
            try await record(step.change, effect: step.effect)
        } catch {
            expiryRetryAt = clock.now.addingTimeInterval(Self.expiryRetryDelay)
            rearmTimer()
            throw error
        }
        expiryRetryAt = nil
        return step.change
    }

    /// Stops the expiry timer for good. Operations still work; holds then expire only through `expireDue()`.
    public func shutdown() {
        isShutDown = true
        timer?.cancel()
        timer = nil
        armedDeadline = nil
    }

    /// Points the timer at the earliest hold that can expire (or at the retry time after a failed expiry).
    func rearmTimer() {
        // While firing, the firing task re-arms when it is done.
        guard !isShutDown, !isFiring, !isStale else { return }
        var deadline = map.earliestExpiry
        if let earliest = deadline, let retry = expiryRetryAt { deadline = max(earliest, retry) }
        // A timer already set for this deadline or an earlier one stays: woken early, it finds nothing due and sets
        // itself for the earliest hold then. Most changes end or add holds later than the earliest one, and each node
        // applies every other node's changes too, so a new timer task at each of them cost more than an early wake.
        if timer != nil, let armed = armedDeadline, deadline.map({ armed <= $0 }) ?? true { return }
        timer?.cancel()
        timer = nil
        armedDeadline = deadline
        guard let deadline else { return }
        timerGeneration += 1
        let generation = timerGeneration
        timer = Task { await self.runTimer(until: deadline, generation: generation) }
    }

    private func runTimer(until deadline: Date, generation: UInt64) async {
        do {
            try await clock.sleep(until: deadline)
        } catch {
            return
        }
        // A cancelled timer may still wake before noticing; only the current one fires.
        guard generation == timerGeneration, !isShutDown else { return }
        isFiring = true
        _ = try? await expireDue()
        isFiring = false
        timer = nil
        armedDeadline = nil
        rearmTimer()
    }
}
