import Foundation

/// The outbox's deliveries, as `OutboxDispatcher` works through them. Events and their delivery rows are written by
/// the journal (`JournalEntry.events`); this moves the delivery rows along.
public protocol OutboxStore: Sendable {
    /// Up to `limit` deliveries of `channel` that are due by `now`, the earliest due first (then in the order they were
    /// written), each leased until `now + lease`
    /// (so no other dispatcher, on this node or another, sends it meanwhile; a dispatcher that dies mid-send leaves it
    /// to be sent again when the lease ends: at least once).
    func claimDue(channel: String, now: Date, lease: TimeInterval, limit: Int) async throws -> [OutboxDelivery]
    /// The oldest undelivered delivery of `channel` if it is due by `now`, leased like `claimDue`: for a channel
    /// delivered in order (a webhook), nothing after it is sent before it is.
    func claimHead(channel: String, now: Date, lease: TimeInterval) async throws -> OutboxDelivery?
    /// Gives a delivery up (`reason` kept in `lastError`): it counts as done, and the channel moves on.
    func abandon(eventId: String, channel: String, reason: String, at: Date) async throws
    /// Sent (each of them, in one write): never again.
    func markDelivered(eventIds: [String], channel: String, at: Date) async throws
    /// Not sent: tried again at `retryAt`, with the error kept for operators.
    func markFailed(eventId: String, channel: String, error: String, retryAt: Date) async throws
    /// How many deliveries of `channel` are not yet sent (for `/metrics` and tests).
    func undelivered(channel: String) async throws -> Int
}

extension OutboxStore {
    /// One sent: never again.
    public func markDelivered(eventId: String, channel: String, at: Date) async throws {
        try await markDelivered(eventIds: [eventId], channel: channel, at: at)
    }
}
