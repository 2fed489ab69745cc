import BoxOffice
import Logging
import ServiceLifecycle

/// Start-up work that needs the journal running: restore every show with live holds (expiring those whose
/// time passed while the server was down), then report ready. On shutdown, stops the show actors' timers.
struct RecoveryService: Service {
    let bookings: BookingService
    let payments: PaymentService
    let readiness: Readiness
    let logger: Logger

    func run() async throws {
        let interrupted = try await payments.voidInterrupted()
        let shows = try await bookings.recover()
        logger.info("recovered", metadata: ["showsWithHolds": "\(shows)", "interruptedPayments": "\(interrupted)"])
        readiness.markReady()
        try? await gracefulShutdown()
        await bookings.shutdown()
    }
}
