import BoxOffice
import Logging
import ServiceLifecycle

/// Start-up work that needs the journal running: void payments a stop interrupted, restore every show with live
/// holds (expiring those whose time passed while the server was down), finish closing deactivated shows, then report
/// ready. On shutdown, stops the
/// show actors' timers.
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

/// Once a minute: evict the actors of idle shows, so memory follows what is in use, and delete idempotent answers
/// whose 24 h are over.
struct Housekeeping: Service {
    let bookings: BookingService
    let idempotency: IdempotentRequests
    let logger: Logger

    func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try await Task.sleep(for: .seconds(60))
                let evicted = await bookings.evictIdle()
                if evicted > 0 { logger.debug("evicted idle shows", metadata: ["count": "\(evicted)"]) }
                do {
                    try await idempotency.purgeExpired()
                } catch {
                    logger.warning("deleting expired idempotency keys failed; trying again in a minute", metadata: ["error": "\(error)"])
                }
            }
        }
    }
}

/// Sends the outbox's emails for as long as the server runs.
struct MailOutboxService: Service {
    let outbox: MailOutbox

    func run() async throws {
        await cancelWhenGracefulShutdown { await outbox.run() }
    }
}

/// Delivers the outbox's webhook events for as long as the server runs.
struct WebhookOutboxService: Service {
    let outbox: WebhookOutbox

    func run() async throws {
        await cancelWhenGracefulShutdown { await outbox.run() }
    }
}
