import BoxOfficeStore
import Foundation
import Logging
import SeatEngine

/// Initiates and processes payments. A success confirms the booking and books its seats in one durable step;
/// the hold is pinned while the card is charged, so it cannot expire in between.
public struct PaymentService: Sendable {
    let booking: BookingService
    let gateway: any PaymentGateway

    public init(booking: BookingService, gateway: any PaymentGateway) {
        self.booking = booking
        self.gateway = gateway
    }

    var journal: Journal { booking.journal }
    var clock: any EngineClock { booking.clock }

    /// Starts a payment for the user's pending booking: 201 with `paymentStatus: initiated`.
    public func initiate(userId: String, _ input: InitiatePaymentInput) async throws -> Payment {
        guard let method = PaymentMethod(rawValue: input.paymentMethod) else {
            throw BoxOfficeError.invalid(
                "paymentMethod", "paymentMethod must be one of \(PaymentMethod.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let target = try await booking.ownBooking(userId: userId, bookingId: input.bookingId)
        try Self.ensurePayable(target, now: clock.now)
        let now = clock.now
        let payment = Payment(
            id: Identifier.make("pay", at: now), bookingId: target.id, userId: userId, amount: target.totalAmount, currency: target.currency,
            paymentMethod: method, createdAt: now)
        try await write(.insert(payment))
        return payment
    }

    /// Charges the payment. 200 with the completed payment (booking confirmed); 402 on a decline (the hold
    /// stays, try again); 409 `hold_expired` if the hold ran out (no money taken).
    public func process(userId: String, paymentId: String, _ input: ProcessPaymentInput) async throws -> Payment {
        guard Identifier.looksValid(paymentId), let payment = try await booking.bookings.payment(id: paymentId), payment.userId == userId else {
            throw BoxOfficeError.notFound("payment", id: paymentId)
        }
        switch payment.paymentStatus {
        case .completed, .refunded:
            return payment  // processing twice changes nothing
        case .failed:
            throw BoxOfficeError(
                .conflict, "payment_failed", "This payment failed (\(payment.failureCode ?? "failed")); start a new one.",
                details: ["payment": .value(EncodableValue(payment.view, identity: payment.id))])
        case .processing:
            throw BoxOfficeError(.conflict, "payment_in_progress", "This payment is being processed.")
        case .initiated:
            break
        }
        if payment.paymentMethod.needsCard {
            guard let card = input.card else { throw BoxOfficeError.invalid("card", "card details are required for \(payment.paymentMethod.rawValue)") }
            if let problem = card.problem(now: clock.now) { throw BoxOfficeError.invalid(problem.field, problem.message) }
        }
        let target = try await booking.ownBooking(userId: userId, bookingId: payment.bookingId)
        let actor = try await booking.showActor(target.showId)
        do {
            _ = try await actor.beginPayment(booking: target.id)
        } catch {
            try await fail(payment, code: "hold_expired", response: nil)
            throw BoxOfficeError(.conflict, "hold_expired", "The hold on these seats has expired; no money was taken.")
        }
        let decision: GatewayDecision
        do {
            decision = try await gateway.charge(
                amount: payment.amount, currency: payment.currency, method: payment.paymentMethod.rawValue, card: input.card, reference: payment.id)
        } catch {
            await actor.endPayment(booking: target.id)
            _ = try? await fail(payment, code: "gateway_unavailable", response: "\(error)")
            throw BoxOfficeError(.unavailable, "unavailable", "The payment processor did not answer; no money was taken. Try again.")
        }
        switch decision {
        case .declined(let code, let message):
            await actor.endPayment(booking: target.id)
            let failed = try await fail(payment, code: code, response: message)
            throw BoxOfficeError(.paymentFailed, code, message, details: ["payment": .value(EncodableValue(failed.view, identity: failed.id))])
        case .approved(let transactionId):
            var charged = payment
            charged.paymentStatus = .processing
            charged.transactionId = transactionId
            charged.gatewayResponse = "approved"
            charged.updatedAt = clock.now
            do {
                try await write(.update(charged))
                _ = try await actor.book(booking: target.id)
            } catch {
                // Not confirmed: the authorisation is voided, so no money is taken.
                await actor.endPayment(booking: target.id)
                _ = try? await fail(charged, code: "not_confirmed", response: "\(error)")
                if let engineError = error as? SeatEngineError, engineError != .journalFailed { throw BoxOfficeError(engineError) }
                throw BoxOfficeError(.unavailable, "unavailable", "The booking could not be confirmed; no money was taken. Try again.")
            }
            return try await booking.bookings.payment(id: payment.id) ?? charged
        }
    }

    /// Marks a payment failed, durably, and returns it.
    @discardableResult
    func fail(_ payment: Payment, code: String, response: String?) async throws -> Payment {
        var failed = payment
        failed.paymentStatus = .failed
        failed.failureCode = code
        failed.gatewayResponse = response
        failed.updatedAt = clock.now
        try await write(.update(failed))
        return failed
    }

    func write(_ entry: JournalEntry) async throws {
        do {
            try await journal.append(entry)
        } catch {
            throw BoxOfficeError(.unavailable, "unavailable", "The payment could not be saved; nothing was charged. Try again shortly.")
        }
    }

    static func ensurePayable(_ booking: Booking, now: Date) throws {
        switch booking.bookingStatus {
        case .pending:
            guard booking.expiresAt > now else {
                throw BoxOfficeError(.conflict, "hold_expired", "The hold on these seats has expired; no money was taken.")
            }
        case .expired:
            throw BoxOfficeError(.conflict, "hold_expired", "The hold on these seats has expired; no money was taken.")
        case .confirmed:
            throw BoxOfficeError(.conflict, "booking_confirmed", "This booking is already paid and confirmed.")
        case .cancelled:
            throw BoxOfficeError(.conflict, "booking_cancelled", "This booking was cancelled.")
        }
    }
}

extension PaymentService {
    /// Payments a crash left between the charge and the confirmation were never captured: mark them failed.
    public func voidInterrupted() async throws -> Int {
        let interrupted = try await booking.bookings.interruptedPayments()
        for payment in interrupted { try await fail(payment, code: "interrupted", response: "the server stopped before confirming") }
        return interrupted.count
    }
}
