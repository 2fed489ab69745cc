import BoxOffice
import BoxOfficeStore
import Foundation
import SeatEngine
import Synchronization
import TestDatabases
import Testing

/// A request's idempotent answer is written by the service in the same transaction as its work, once, and only when
/// the work was done; the transport then stores nothing more (`AnswerRecipe.isRecorded`).
@Suite("Idempotent answers stored with the work they answer", .timeLimit(.minutes(1)))
struct IdempotentAnswerTests {
    /// How many answers a test's recipes rendered.
    final class RenderCount: Sendable {
        private let renders = Atomic<Int>(0)
        func add() { renders.add(1, ordering: .relaxed) }
        var value: Int { renders.load(ordering: .relaxed) }
    }

    /// A recipe for `key` whose answer is `"<status> <id>"`, counting its renders in `renders`.
    func recipe<Value>(_ key: String, user: String, status: Int, _ box: ServiceFixture, renders: RenderCount, id: @escaping @Sendable (Value) -> String)
        -> AnswerRecipe<Value>
    {
        let claim = IdempotencyClaim(userId: user, key: key, requestHash: "hash-\(key)", createdAt: box.clock.now)
        return AnswerRecipe(claim: claim, status: status) { value in
            renders.add()
            return Data("\(status) \(id(value))".utf8)
        }
    }

    @Test("a lock stores its answer once, with the booking; a refused lock stores none", arguments: StoreKind.available)
    func lockAnswer(store kind: StoreKind) async throws {
        try await withServices(on: kind) { box in
            let kim = try await box.user("Kim")
            let renders = RenderCount()
            let answer = recipe("lock-1", user: kim, status: 201, box, renders: renders) { (booking: Booking) in booking.id }
            let held = try await box.lock(kim, ["A1"], answer: answer)
            #expect(answer.isRecorded)
            #expect(renders.value == 1, "rendered once, for the one entry that stored it")
            let stored = try #require(try await box.stores.idempotency.idempotentAnswer(userId: kim, key: "lock-1", now: box.clock.now))
            #expect(stored.status == 201 && stored.body == Data("201 \(held.id)".utf8) && stored.requestHash == "hash-lock-1")

            let lee = try await box.user("Lee")
            let refused = recipe("lock-2", user: lee, status: 201, box, renders: renders) { (booking: Booking) in booking.id }
            await #expect(throws: BoxOfficeError.self) { try await box.lock(lee, ["A1"], answer: refused) }
            #expect(!refused.isRecorded, "nothing was done, so the transport stores the refusal itself")
            #expect(try await box.stores.idempotency.idempotentAnswer(userId: lee, key: "lock-2", now: box.clock.now) == nil)
            #expect(renders.value == 1)
        }
    }

    @Test("a payment's success is stored with the confirmation it answers, and is what the caller got", arguments: StoreKind.available)
    func paymentAnswer(store kind: StoreKind) async throws {
        try await withServices(on: kind) { box in
            let kim = try await box.user("Kim")
            let held = try await box.lock(kim, ["B3"])
            let renders = RenderCount()
            let answer = recipe("pay-1", user: kim, status: 200, box, renders: renders) { (payment: Payment) in
                "\(payment.id) \(payment.paymentStatus.rawValue) \(payment.transactionId ?? "-")"
            }
            let paid = try await box.pay(kim, held, answer: answer)
            #expect(answer.isRecorded && renders.value == 1)
            let stored = try #require(try await box.stores.idempotency.idempotentAnswer(userId: kim, key: "pay-1", now: box.clock.now))
            #expect(stored.body == Data("200 \(paid.id) completed \(paid.transactionId ?? "-")".utf8))
            #expect(try await box.bookings.confirm(userId: kim, bookingId: held.id).paymentId == paid.id)
        }
    }
}
