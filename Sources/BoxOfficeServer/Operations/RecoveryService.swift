import BoxOffice
import Logging
import ServiceLifecycle

/// Start-up work that needs the journal running: restore every show with live holds (expiring those whose
/// time passed while the server was down), then report ready; afterwards, once a minute, evict the actors of
/// idle shows so memory follows what is in use. On shutdown, stops the show actors' timers.
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
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try await Task.sleep(for: .seconds(60))
                let evicted = await bookings.evictIdle()
                if evicted > 0 { logger.debug("evicted idle shows", metadata: ["count": "\(evicted)"]) }
            }
        }
        await bookings.shutdown()
    }
}
