import BoxOffice
import BoxOfficeStore
import Foundation
import Hummingbird

/// `/api/payments`: initiate and process.
struct PaymentController {
    let payments: PaymentService
    let idempotency: IdempotentRequests

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("initiate", use: initiate)
        group.post(":id/process", use: process)
    }

    /// `POST /api/payments/initiate` → 201 payment.
    @Sendable func initiate(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let data = Data(try await request.body.collect(upTo: context.maxUploadSize).readableBytesView)
        let input = try Request.decodeJSON(InitiatePaymentInput.self, from: data)
        let payments = self.payments
        return try await idempotency.run(request, body: data, user: user.id) { claim in
            await IdempotentRequests.capture(status: 201, claim: claim, render: Payment.jsonBody) { recipe in
                try await payments.initiate(userId: user.id, input, answer: recipe).view
            }
        }
    }

    /// `POST /api/payments/:id/process` → the completed payment, 402 on a decline, 409 `hold_expired`.
    @Sendable func process(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let id = try context.id(of: "payment")
        let data = Data(try await request.body.collect(upTo: context.maxUploadSize).readableBytesView)
        let input = data.isEmpty ? ProcessPaymentInput() : try Request.decodeJSON(ProcessPaymentInput.self, from: data)
        let payments = self.payments
        return try await idempotency.run(request, body: data, user: user.id) { claim in
            await IdempotentRequests.capture(status: 200, claim: claim, render: Payment.jsonBody) { recipe in
                try await payments.process(userId: user.id, paymentId: id, input, answer: recipe).view
            }
        }
    }
}

extension Payment {
    /// The payment as the API answers it: the bytes `JSONCoding.encoder` writes for its view.
    @Sendable static func jsonBody(_ payment: Payment) -> Data {
        (try? JSONCoding.encoder.encode(payment.view)) ?? Data()
    }
}
