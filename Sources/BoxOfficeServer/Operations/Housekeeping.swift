import BoxOffice
import Logging
import ServiceLifecycle

/// Once a minute: evict the actors of idle shows, so memory follows what is in use; void the charges no node will
/// confirm (`PaymentService.voidInterrupted`); and delete idempotent answers whose 24 h are over.
struct Housekeeping: Service {
    let bookings: BookingService
    let payments: PaymentService
    let idempotency: IdempotentRequests
    let logger: Logger

    func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try await Task.sleep(for: .seconds(60))
                let evicted = await bookings.evictIdle()
                if evicted > 0 { logger.debug("evicted idle shows", metadata: ["count": "\(evicted)"]) }
                do {
                    let voided = try await payments.voidInterrupted(atStart: false)
                    if voided > 0 { logger.notice("voided charges left unconfirmed", metadata: ["count": "\(voided)"]) }
                } catch {
                    logger.warning("looking for charges left unconfirmed failed; trying again in a minute", metadata: ["error": "\(error)"])
                }
                do {
                    try await idempotency.purgeExpired()
                } catch {
                    logger.warning("deleting expired idempotency keys failed; trying again in a minute", metadata: ["error": "\(error)"])
                }
            }
        }
    }
}
