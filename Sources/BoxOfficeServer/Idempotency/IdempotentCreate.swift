import BoxOffice
import Foundation
import Hummingbird

extension IdempotentRequests {
    /// An admin's create (`POST /api/admin/{cities,movies,theatres,shows,webhooks}`) that honours `Idempotency-Key`
    /// like every creating write: the same key from the same admin within 24 h answers the first 201 (or refusal) and
    /// creates nothing twice. A malformed body is refused before the key is looked at, as for the booking writes.
    ///
    /// The catalog is not written through the journal, so the answer is stored just after the create, not with it:
    /// a crash between the two forgets the key (the retry creates a second copy, which an admin can deactivate). The
    /// bookings and payments, where a second copy would be money, store it with the work.
    nonisolated func create<Input: Decodable & Sendable, Value: Encodable & Sendable>(
        _ input: Input.Type, _ request: Request, context: AppRequestContext, _ make: @escaping @Sendable (Input) async throws -> Value
    ) async throws -> Response {
        let user = try context.requireUser()
        let data = Data(try await request.body.collect(upTo: context.maxUploadSize).readableBytesView)
        let value = try Request.decodeJSON(Input.self, from: data)
        return try await run(request, body: data, user: user.id) { _ in
            await IdempotentRequests.capture(status: 201) { try await make(value) }
        }
    }
}
