import BoxOffice
import Logging
import ServiceLifecycle

/// Start-up work that needs the journal running: void payments a stop interrupted, restore every show with live
/// holds (expiring those whose time passed while the server was down), finish closing deactivated shows, then report
/// ready. On shutdown, stops the show actors' timers.
struct RecoveryService: Service {
    let bookings: BookingService
    let payments: PaymentService
    let readiness: Readiness
    let logger: Logger

    func run() async throws {
        let interrupted = try await payments.voidInterrupted()
        let shows = try await bookings.recover()
        let closed = try await bookings.closeDeactivatedShows()
        logger.info(
            "recovered", metadata: ["showsWithHolds": "\(shows)", "interruptedPayments": "\(interrupted)", "deactivatedShowsClosed": "\(closed)"])
        readiness.markReady()
        try? await gracefulShutdown()
        await bookings.shutdown()
    }
}
