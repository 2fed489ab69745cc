import BoxOfficeStore
import Foundation
import Logging
import SeatEngine

/// Delivers the outbox's email channel: claims due deliveries, writes each email from the rows as they are now (one
/// read for the whole batch), sends them (a batch over one connection), and marks them delivered — or each failed one
/// to be tried again after a growing delay (1 s, 2 s, 4 s … at most 10 min), for as long as it takes. A slow or absent
/// mail server never slows a booking: it only delays this loop.
public struct MailOutbox: Sendable {
    let outbox: any OutboxStore
    let bookings: any BookingStore
    let composer: MailComposer
    let mailer: any Mailer
    let clock: any EngineClock
    let logger: Logger

    /// How long a claimed delivery is this dispatcher's before another may send it (longer than any send: `SMTPMailer`
    /// gives a conversation 60 s).
    static let lease: TimeInterval = 75
    /// How often the outbox is looked at once it has caught up (its last batch was not full): an email waits at most
    /// about this long, and under load the emails due meanwhile go out together, each batch's fixed costs (the claim,
    /// the read, the connection, the write that marks them) shared by many.
    static let idlePoll: Duration = .milliseconds(500)
    /// The most one batch claims and sends over one connection.
    public static let batchLimit = 50

    public init(
        outbox: any OutboxStore, bookings: any BookingStore, composer: MailComposer, mailer: any Mailer, clock: any EngineClock = SystemClock(),
        logger: Logger
    ) {
        self.outbox = outbox
        self.bookings = bookings
        self.composer = composer
        self.mailer = mailer
        self.clock = clock
        self.logger = logger
    }

    /// Works through the outbox until cancelled: batch after batch while they come full, then a pause.
    public func run() async {
        while !Task.isCancelled {
            let sent = await deliverDue()
            if sent < Self.batchLimit { try? await Task.sleep(for: Self.idlePoll) }
        }
    }

    /// Sends what is due now, up to `limit` over one SMTP connection; returns how many deliveries it attempted.
    /// What the emails say is read in one query (`BookingStore.mailFacts`); those the server accepted are marked
    /// delivered together, in one write; each refused one is tried again later.
    @discardableResult
    public func deliverDue(limit: Int = batchLimit) async -> Int {
        let due: [OutboxDelivery]
        do {
            due = try await outbox.claimDue(channel: OutboxChannel.email, now: clock.now, lease: Self.lease, limit: limit)
        } catch {
            logger.warning("could not read the outbox; trying again", metadata: ["error": "\(StorageFailure.reason(error))"])
            return 0
        }
        guard !due.isEmpty else { return 0 }
        let facts: [String: BookingMailFacts]
        do {
            facts = try await bookings.mailFacts(bookingIds: due.map(\.bookingId))
        } catch {
            for delivery in due { await failed(delivery, error) }
            return due.count
        }
        var done: [String] = []
        var sending: [(delivery: OutboxDelivery, message: MailMessage)] = []
        for delivery in due {
            if let facts = facts[delivery.bookingId] {
                sending.append((delivery, composer.message(delivery.kind, facts, id: delivery.eventId)))
            } else {
                // Nothing to write from (the booking or its user is gone): delivered as nothing, so it does not come back for ever.
                logger.warning("an email's booking is gone; not sent", metadata: ["event": "\(delivery.eventId)"])
                done.append(delivery.eventId)
            }
        }
        let results = await mailer.send(sending.map(\.message))
        for ((delivery, _), error) in zip(sending, results) {
            if let error {
                await failed(delivery, error)
            } else {
                done.append(delivery.eventId)
                logger.info("email sent", metadata: ["event": "\(delivery.eventId)", "kind": "\(delivery.kind.rawValue)", "attempt": "\(delivery.attempts + 1)"])
            }
        }
        if !done.isEmpty {
            do {
                try await outbox.markDelivered(eventIds: done, channel: OutboxChannel.email, at: clock.now)
            } catch {
                // Sent but not marked: their leases run out and they are sent again (at least once, never lost).
                logger.warning("sent emails could not be marked delivered", metadata: ["count": "\(done.count)", "error": "\(StorageFailure.reason(error))"])
            }
        }
        return due.count
    }

    private func failed(_ delivery: OutboxDelivery, _ error: any Error) async {
        let delay = OutboxDelivery.retryDelay(afterAttempts: delivery.attempts + 1)
        logger.warning(
            "email not sent; trying again", metadata: ["event": "\(delivery.eventId)", "error": "\(error)", "retryInSeconds": "\(Int(delay))"])
        try? await outbox.markFailed(
            eventId: delivery.eventId, channel: delivery.channel, error: "\(error)", retryAt: clock.now.addingTimeInterval(delay))
    }
}
