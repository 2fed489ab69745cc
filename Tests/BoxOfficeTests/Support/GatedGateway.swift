import BoxOffice
import BoxOfficeStore
import Synchronization
import Testing

extension ServiceFixture {

    /// `user` pays for `hold` on this node (UPI) through a processor that waits for the test: returns once the card is
    /// being charged (the payment `processing` in the database), with the processor and the payment call to await.
    func startPaying(_ user: String, _ hold: Booking) async throws -> (GatedGateway, Task<Payment, any Error>) {
        let gateway = GatedGateway()
        let payments = PaymentService(booking: bookings, payments: stores.payments, journal: stores.journal, gateway: gateway, clock: clock)
        let attempt = try await payments.initiate(userId: user, InitiatePaymentInput(bookingId: hold.id, paymentMethod: "upi"))
        let paying = Task { try await payments.process(userId: user, paymentId: attempt.id, ProcessPaymentInput()) }
        await gateway.charging()
        return (gateway, paying)
    }
}

extension ServiceFixture {
    /// Approves the charge `paying` waits for, and expects what its user would: the payment completed, nothing voided,
    /// `hold` confirmed.
    func approve(
        _ gateway: GatedGateway, _ paying: Task<Payment, any Error>, confirming hold: Booking, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        gateway.approve()
        let paid = try await paying.value
        #expect(paid.paymentStatus == .completed, sourceLocation: sourceLocation)
        #expect(gateway.voided.isEmpty, "an approved charge was voided: \(gateway.voided)", sourceLocation: sourceLocation)
        #expect(try await status(of: hold.id) == .confirmed, sourceLocation: sourceLocation)
    }
}

/// A processor that decides a charge only when the test says so: `charging()` returns once a charge waits.
final class GatedGateway: PaymentGateway {
    private let reached = AsyncStream<Void>.makeStream()
    private let decided = AsyncStream<Bool>.makeStream()
    private let voids = Mutex<[String]>([])
    /// With `holdingVoids`, each void waits for `releaseVoid()`; `voiding()` returns once one waits.
    private let holdingVoids: Bool
    private let voidReached = AsyncStream<Void>.makeStream()
    private let voidReleased = AsyncStream<Void>.makeStream()

    init(holdingVoids: Bool = false) {
        self.holdingVoids = holdingVoids
    }

    var voided: [String] { voids.withLock { $0 } }

    func charge(amount: Int, currency: String, method: String, card: CardDetails?, reference: String) async throws -> GatewayDecision {
        reached.continuation.yield()
        for await approved in decided.stream {
            if !approved { return .declined(code: "card_declined", message: "Declined by the test.") }
            break
        }
        return .approved(transactionId: "txn-\(reference)")
    }

    func void(reference: String) async throws {
        voids.withLock { $0.append(reference) }
        guard holdingVoids else { return }
        voidReached.continuation.yield()
        for await _ in voidReleased.stream { break }
    }

    /// Returns once a void is waiting for `releaseVoid()`.
    func voiding() async {
        for await _ in voidReached.stream { return }
    }

    func releaseVoid() {
        voidReleased.continuation.yield()
    }

    /// Returns once a charge is waiting for its decision.
    func charging() async {
        for await _ in reached.stream { return }
    }

    func approve() {
        decided.continuation.yield(true)
    }

    func decline() {
        decided.continuation.yield(false)
    }
}
