import BoxOfficeStore
import Foundation
import Logging
import SeatEngine
import Synchronization

/// POSTs an event to a webhook, signed; returns the receiver's HTTP status, throws when it did not answer in time.
/// `HTTPWebhookSender` is the real one (e2e/webhooks drives it against a real receiver).
public protocol WebhookSender: Sendable {
    func post(url: String, body: Data, eventId: String, secret: String, at: Date) async throws -> Int
}

/// What a webhook receives: `{id, type, createdAt, data}`, `data` the booking as it is when the event is sent, or
/// `{show}` for `show.sold_out`.
struct WebhookPayload<Data: Encodable>: Encodable {
    var id: String
    var type: String
    var createdAt: Date
    var data: Data
}

/// `show.sold_out`'s data.
struct SoldOutShow: Encodable {
    var show: ShowView
}

/// Delivers the outbox's webhook channels: each webhook on its own, in order (its oldest undelivered event first,
/// nothing after it until it is delivered), at least once, retried after 1 s, 2 s, 4 s … at most 10 minutes for three
/// days (then given up, and the channel moves on). A slow or dead receiver delays only its own webhook, never a booking
/// (events are written with the change; this loop only reads them).
public struct WebhookOutbox: Sendable {
    let outbox: any OutboxStore
    let bookings: any BookingStore
    /// The show of a `show.sold_out` event.
    let catalog: CatalogService
    let store: any WebhookStore
    let directory: WebhookDirectory
    let sender: any WebhookSender
    let clock: any EngineClock
    let logger: Logger

    /// Longer than one attempt can take (`HTTPWebhookSender`: 10 s): a node killed mid-attempt delays that webhook by
    /// at most this.
    static let lease: TimeInterval = 20
    static let giveUpAfter: TimeInterval = 72 * 3600
    static let tick: Duration = .milliseconds(200)
    static let directoryRefresh: Duration = .seconds(5)

    public init(
        outbox: any OutboxStore, bookings: any BookingStore, catalog: CatalogService, store: any WebhookStore, directory: WebhookDirectory,
        sender: any WebhookSender, clock: any EngineClock = SystemClock(), logger: Logger
    ) {
        self.outbox = outbox
        self.bookings = bookings
        self.catalog = catalog
        self.store = store
        self.directory = directory
        self.sender = sender
        self.clock = clock
        self.logger = logger
    }

    /// Works until cancelled: every tick, each webhook not already busy delivers what is due for it.
    public func run() async {
        let busy = BusyWebhooks()
        var refreshed = ContinuousClock.now - Self.directoryRefresh
        await withDiscardingTaskGroup { group in
            while !Task.isCancelled {
                if ContinuousClock.now - refreshed >= Self.directoryRefresh {
                    refreshed = .now
                    do { try await directory.refresh() } catch {
                        logger.warning("could not read the webhooks; trying again", metadata: ["error": "\(StorageFailure.reason(error))"])
                    }
                }
                for webhook in directory.active where busy.start(webhook.id) {
                    group.addTask {
                        await deliverDue(to: webhook)
                        busy.end(webhook.id)
                    }
                }
                try? await Task.sleep(for: Self.tick)
            }
        }
    }

    /// Delivers `webhook`'s due events in order until one fails or none is due.
    public func deliverDue(to webhook: Webhook) async {
        while !Task.isCancelled {
            let claimed: OutboxDelivery?
            do {
                claimed = try await outbox.claimHead(channel: webhook.channel, now: clock.now, lease: Self.lease)
            } catch {
                return  // the store is unreachable: the next tick tries again
            }
            guard let delivery = claimed else { return }
            guard await deliver(delivery, to: webhook) else { return }
        }
    }

    /// One attempt; true when the channel may move on (delivered, or given up).
    private func deliver(_ delivery: OutboxDelivery, to webhook: Webhook) async -> Bool {
        let now = clock.now
        do {
            if now.timeIntervalSince(delivery.createdAt) > Self.giveUpAfter {
                logger.error("webhook event given up after three days", metadata: ["webhook": "\(webhook.id)", "event": "\(delivery.eventId)"])
                try await outbox.abandon(eventId: delivery.eventId, channel: delivery.channel, reason: "given up after 72 h", at: now)
                return true
            }
            guard let booking = try await bookings.booking(id: delivery.bookingId) else {
                try await outbox.abandon(eventId: delivery.eventId, channel: delivery.channel, reason: "its booking is gone", at: now)
                return true
            }
            let body = try await payload(of: delivery, booking: booking)
            var status: Int?
            var failure: String?
            do {
                status = try await sender.post(url: webhook.url, body: body, eventId: delivery.eventId, secret: webhook.secret, at: now)
                if let status, !(200..<300).contains(status) { failure = "the receiver answered \(status)" }
            } catch {
                failure = "\(error)"
            }
            try? await store.record(
                WebhookAttempt(eventId: delivery.eventId, type: delivery.kind.rawValue, attemptedAt: now, statusCode: status, error: failure),
                webhookId: webhook.id)
            if let failure {
                let delay = OutboxDelivery.retryDelay(afterAttempts: delivery.attempts + 1)
                logger.notice("webhook delivery failed; trying again", metadata: [
                    "webhook": "\(webhook.id)", "event": "\(delivery.eventId)", "error": "\(failure)", "retryInSeconds": "\(Int(delay))",
                ])
                try await outbox.markFailed(eventId: delivery.eventId, channel: delivery.channel, error: failure, retryAt: now.addingTimeInterval(delay))
                return false
            }
            try await outbox.markDelivered(eventId: delivery.eventId, channel: delivery.channel, at: clock.now)
            return true
        } catch {
            // The store failed: the lease runs out and the delivery is tried again.
            logger.warning("webhook delivery could not be recorded", metadata: ["webhook": "\(webhook.id)", "error": "\(StorageFailure.reason(error))"])
            return false
        }
    }
}

extension WebhookOutbox {
    /// The JSON body of `delivery`: the booking, or for `show.sold_out` the show it sold out, as they are now.
    func payload(of delivery: OutboxDelivery, booking: Booking) async throws -> Data {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        switch delivery.kind {
        case .showSoldOut:
            let show = try await catalog.showSummary(id: booking.showId)
            return try encoder.encode(WebhookPayload(id: delivery.eventId, type: delivery.kind.rawValue, createdAt: delivery.createdAt, data: SoldOutShow(show: show)))
        case .bookingConfirmed, .bookingCancelled, .bookingExpired:
            return try encoder.encode(WebhookPayload(id: delivery.eventId, type: delivery.kind.rawValue, createdAt: delivery.createdAt, data: booking))
        }
    }
}

/// The webhooks being delivered to right now (one delivery loop per webhook at a time keeps each one in order).
final class BusyWebhooks: Sendable {
    private let ids = Mutex<Set<String>>([])

    func start(_ id: String) -> Bool { ids.withLock { $0.insert(id).inserted } }
    func end(_ id: String) { _ = ids.withLock { $0.remove(id) } }
}
