import Foundation

/// Something that happened which people or systems outside are told about — by email, or by webhook. Written
/// in the same transaction as the change that caused it (`JournalEntry.events`), with one delivery per channel, so it
/// is never lost and never sent for a change that did not happen; delivered at least once by `OutboxDispatcher`.
public struct OutboxEvent: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case bookingConfirmed = "booking.confirmed"
        case bookingCancelled = "booking.cancelled"
        case bookingExpired = "booking.expired"
        /// The booking that sold the show out (`bookingId`) booked its last seat; the event's data is the show.
        case showSoldOut = "show.sold_out"
    }

    /// `evt_…`: time-ordered, so events of one channel are delivered oldest first.
    public var id: String
    public var kind: Kind
    public var bookingId: String
    public var createdAt: Date
    /// Where it is to be delivered (`OutboxChannel`): one delivery row each.
    public var channels: [String]

    public init(id: String, kind: Kind, bookingId: String, createdAt: Date, channels: [String]) {
        self.id = id
        self.kind = kind
        self.bookingId = bookingId
        self.createdAt = createdAt
        self.channels = channels
    }
}

/// The delivery channels an event can have.
public enum OutboxChannel {
    /// The confirmation and cancellation emails (`BOXOFFICE_SMTP_URL`).
    public static let email = "email"
}

extension OutboxDelivery {
    /// When a failed delivery is tried again, on every channel: 1 s after the first failure, doubling, at most 10 minutes.
    public static func retryDelay(afterAttempts attempts: Int) -> TimeInterval {
        min(600, pow(2, Double(max(0, min(attempts - 1, 10)))))
    }
}

/// One event's delivery on one channel, claimed for sending.
public struct OutboxDelivery: Sendable, Equatable {
    public var eventId: String
    public var kind: OutboxEvent.Kind
    public var bookingId: String
    public var createdAt: Date
    public var channel: String
    /// Attempts before this one.
    public var attempts: Int

    public init(eventId: String, kind: OutboxEvent.Kind, bookingId: String, createdAt: Date, channel: String, attempts: Int) {
        self.eventId = eventId
        self.kind = kind
        self.bookingId = bookingId
        self.createdAt = createdAt
        self.channel = channel
        self.attempts = attempts
    }
}
