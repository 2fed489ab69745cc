import BoxOfficeStore
import Foundation
import SeatEngine

/// What closing a deactivated show did.
public struct ClosedShow: Sendable, Equatable {
    /// Pending holds released (`booking.cancelled`, nothing was charged).
    public var released = 0
    /// Confirmed bookings cancelled and refunded (`booking.cancelled`, with the cancellation email).
    public var refunded = 0

    public init() {}
}

extension BookingService {
    /// An admin deactivated the show: ends every booking it still has, through the show's actor, so each change is
    /// journalled with its event, published live and its money refunded exactly as a user's own cancellation would be.
    /// Pending holds are released; confirmed bookings are cancelled and refunded while the show has not started (a
    /// show that has been played keeps its bookings). A hold whose payment is in progress is waited for (the charge
    /// times out within `PaymentService.chargeTimeout`): it is released if the charge fails, or refunded if it books.
    ///
    /// New locks and payments are already refused (`openShow` reads the show as inactive), so the rounds end; a crash
    /// part-way is finished at the next start (`closeDeactivatedShows`). Idempotent.
    public func closeShow(_ showId: String, deadline: Duration = .seconds(40)) async throws -> ClosedShow {
        var closed = ClosedShow()
        let started = ContinuousClock.now
        guard let show = try await catalog.show(id: showId), !show.isActive else { return closed }
        let refunds = show.startsAt > clock.now
        while true {
            let actor = try await showActor(showId)
            await actor.concluded()
            let holds = await actor.holds.map(\.booking)
            let booked = refunds ? Array(await actor.seatMap.booked.keys).sorted() : []
            if holds.isEmpty && booked.isEmpty { return closed }
            var waiting = false
            for booking in holds {
                do {
                    _ = try await retryingStale(showId) { actor throws(SeatEngineError) in try await actor.release(booking: booking) }
                    closed.released += 1
                } catch .paymentInProgress {
                    waiting = true
                } catch .holdNotFound, .alreadyBooked {
                    // It expired, or its payment booked it meanwhile: the next round sees what it became.
                } catch {
                    throw BoxOfficeError(error)
                }
            }
            for booking in booked {
                do {
                    _ = try await retryingStale(showId) { actor throws(SeatEngineError) in try await actor.cancel(booking: booking) }
                    closed.refunded += 1
                } catch .notBooked {
                    // Cancelled meanwhile (by its user, or another node closing the show too).
                } catch {
                    throw BoxOfficeError(error)
                }
            }
            if waiting {
                guard ContinuousClock.now - started < deadline else {
                    throw BoxOfficeError(
                        .unavailable, "unavailable", "A payment for this show is still being processed; its booking is closed once it ends.")
                }
                try await Task.sleep(for: .milliseconds(200))
            }
        }
    }

    /// At start: finishes closing the deactivated shows that still have live bookings (a stop part-way through a
    /// deactivation). Returns how many shows it closed.
    public func closeDeactivatedShows() async throws -> Int {
        let shows = try await bookings.inactiveShowsWithLiveBookings(startingAfter: clock.now)
        for show in shows { _ = try await closeShow(show) }
        return shows.count
    }
}
