import SeatEngine

// A card being charged for a hold, as the show's copies on this node see it: the copy that pinned the hold, and any
// copy loaded while the charge is under way (`ChargesUnderway`) — the first one goes out of date when another node
// writes the show meanwhile (docs/CLUSTER.md).

extension BookingService {
    /// `payment` pinned the hold of `booking` on `show` and its card is being charged: a copy of the show loaded from now
    /// on pins the hold for it too.
    func chargeStarted(show: String, booking: String, payment: String) async {
        await charges.begin(show: show, booking: booking, payment: payment)
    }

    /// Books the hold of `booking` for the approved `charge`, on `pinned`, the copy that pinned it. When that copy's
    /// change is refused because another node wrote the show meanwhile (PostgreSQL, several nodes), on the show loaded
    /// again, the hold pinned there for the charge (`SeatMap.resumePayment`). Booked, the charge is no longer under way
    /// here; not booked, its caller ends it (`endCharge`).
    func bookCharged(
        show: String, booking: String, charge: Charge, note: JournalNote, pinnedOn pinned: ShowActor
    ) async throws(SeatEngineError) -> SeatChange {
        let change: SeatChange
        do {
            change = try await pinned.book(booking: booking, charge: charge, note: note)
        } catch where sharedWriters {
            change = try await retryingStale(show) { current throws(SeatEngineError) in
                try await current.book(booking: booking, charge: charge, note: note, resuming: current !== pinned)
            }
        }
        await charges.end(show: show, booking: booking, payment: charge.payment)
        return change
    }

    /// `payment`'s charge of `booking` on `show` ended without booking it (declined, failed, refused): no copy of the
    /// show keeps the hold pinned for it — neither `pinned`, where it began, nor a copy loaded since (one still loading
    /// included: its load may have read the charge before it ended).
    func endCharge(show: String, booking: String, payment: String, pinnedOn pinned: ShowActor) async {
        await charges.end(show: show, booking: booking, payment: payment)
        await pinned.endPayment(booking: booking, payment: payment)
        if let current = await actors.currentActor(for: show), current !== pinned { await current.endPayment(booking: booking, payment: payment) }
    }

    /// The seats of `show` as the database has them may differ from this node's copy (a confirmation reported failed
    /// was found committed): the copy is loaded again on its next use.
    func reloadShow(_ show: String) async {
        await actors.loadedActor(for: show)?.markStale()
    }
}
