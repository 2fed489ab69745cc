import Synchronization
// The commit path: every change goes to the journal, and is published in version order once durable, or undone —
// with every later change still in flight — if the journal fails.

/// A change applied to the map whose commit has not concluded.
struct InFlightChange: Sendable {
    let ticket: UInt64
    let change: SeatChange
}

extension ShowActor {
    /// Journals a change just applied to the map; on return it is durable and published, else undone and thrown.
    func record(_ change: SeatChange, effect: SeatEffect, note: JournalNote? = nil) async throws(SeatEngineError) {
        nextTicket += 1
        let ticket = nextTicket
        inFlight.append(InFlightChange(ticket: ticket, change: change))
        rearmTimer()
        var durable = true
        var stale = false
        var beingPaid = false
        do {
            try await journal.commit(change, effect: effect, note: note)
        } catch {
            durable = false
            stale = error is StaleShow
            beingPaid = error is HoldBeingPaid
        }
        let outcome = conclude(ticket, durable: durable, refused: stale || beingPaid)
        resumeConcludedWaiters()
        if stale { staleFlag.store(true, ordering: .releasing) }
        followAwaited()
        guard outcome.stands else {
            // Undone with an earlier change that was refused (not one the journal failed to write): this change was not
            // judged itself — asked again, it may well stand (`BookingService.retryingStale`).
            throw stale || outcome.undoneByRefusal ? .stale : beingPaid ? .paymentInProgress : .journalFailed
        }
    }

    /// Returns once every change applied before the call has concluded — made durable and published, or undone —
    /// so a caller can read the durable state knowing no earlier change is still on its way.
    public func concluded() async {
        let target = nextTicket
        guard let oldest = inFlight.first, oldest.ticket <= target else { return }
        await withCheckedContinuation { concludedWaiters.append((target, $0)) }
    }

    /// Wakes the `concluded()` callers whose changes have all concluded.
    private func resumeConcludedWaiters() {
        guard !concludedWaiters.isEmpty else { return }
        let oldestOpen = inFlight.first?.ticket ?? .max
        concludedWaiters.removeAll { waiter in
            guard waiter.ticket < oldestOpen else { return false }
            waiter.continuation.resume()
            return true
        }
    }

    /// Settles one commit's outcome (`refused`: it failed because the journal refused it, not because it could not
    /// write); returns whether its change stands, and whether it was undone with an earlier change that was refused.
    private func conclude(_ ticket: UInt64, durable: Bool, refused: Bool) -> (stands: Bool, undoneByRefusal: Bool) {
        // An earlier change failed while this one was in flight, and took it down with it.
        if let byRefusal = rolledBack.removeValue(forKey: ticket) { return (false, byRefusal) }
        // Already published: a later version's success proved this one durable (the journal commits in order).
        guard let position = inFlight.firstIndex(where: { $0.ticket == ticket }) else { return (true, false) }
        if durable {
            publish(through: position)
        } else {
            undo(from: position, refused: refused)
        }
        return (durable, false)
    }

    /// Publishes the in-flight changes up to `position`: a success for one version means all before it are durable too.
    private func publish(through position: Int) {
        for entry in inFlight[...position] { journal.published(entry.change) }
        map.settle(through: inFlight[position].change.version)
        inFlight.removeFirst(position + 1)
        assert(map.unsettledVersions == inFlight.map(\.change.version))
    }

    /// Undoes the change at `position` and every later one, newest first, so memory matches the journal again.
    private func undo(from position: Int, refused: Bool) {
        map.rollBack(from: inFlight[position].change.version)
        for entry in inFlight[(position + 1)...] { rolledBack[entry.ticket] = refused }
        inFlight.removeSubrange(position...)
        assert(map.unsettledVersions == inFlight.map(\.change.version))
        rearmTimer()
    }
}
