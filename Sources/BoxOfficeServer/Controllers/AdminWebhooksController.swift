import BoxOffice
import BoxOfficeStore
import Hummingbird

/// `/api/admin/webhooks`: register (the answer shows the secret, once), list, stop, and read the delivery log.
struct AdminWebhooksController {
    let webhooks: WebhookService
    let idempotency: IdempotentRequests

    func addRoutes(to admin: RouterGroup<AppRequestContext>) {
        admin.post("webhooks", use: create)
        admin.get("webhooks", use: list)
        admin.delete("webhooks/:id", use: delete)
        admin.get("webhooks/:id/deliveries", use: deliveries)
    }

    /// `POST /api/admin/webhooks` → 201 with the secret (a retry with the same `Idempotency-Key` answers the same one).
    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await idempotency.create(WebhookInput.self, request, context: context) { [webhooks] input in try await webhooks.register(input) }
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Page<WebhookView> {
        Page(items: try await webhooks.list(), nextCursor: nil)
    }

    @Sendable func delete(_ request: Request, context: AppRequestContext) async throws -> HTTPResponse.Status {
        try await webhooks.delete(id: context.id(of: "webhook"))
        return .noContent
    }

    @Sendable func deliveries(_ request: Request, context: AppRequestContext) async throws -> Page<WebhookAttempt> {
        Page(items: try await webhooks.deliveries(id: context.id(of: "webhook")), nextCursor: nil)
    }
}
