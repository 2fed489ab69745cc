import BoxOffice
import ServiceLifecycle

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
