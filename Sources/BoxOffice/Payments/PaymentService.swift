import BoxOfficeStore
import Foundation
import Logging
import SeatEngine

/// Initiates and processes payments. A success confirms the booking and books its seats in one durable step.
///
/// A booking's payment is a state machine with one owner: the show's actor pins the booking's hold for exactly one
/// payment at a time (`beginPayment`), so while one attempt is charged every other `process` call for that booking
/// answers 409 `payment_in_progress` and charges nothing; the hold cannot expire or be released meanwhile. On disk each
/// attempt moves `initiated → processing` before the card is charged, then to `failed`, or to `completed` in the same
/// transaction that confirms the booking naming it — each step only from the status it leaves, and a unique index
/// lets one booking have one completed payment. A crash mid-charge leaves `processing`, which start-up voids.
public struct PaymentService: Sendable {
    let booking: BookingService
    let payments: any PaymentStore
    let journal: any Journal
    let gateway: any PaymentGateway
    let clock: any EngineClock
    /// Attempts still `processing` from before this moment were interrupted by a stop: start-up voids them.
    let startedAt: Date

    public init(
        booking: BookingService, payments: any PaymentStore, journal: any Journal, gateway: any PaymentGateway,
        clock: any EngineClock = SystemClock()
    ) {
        self.booking = booking
        self.payments = payments
        self.journal = journal
        self.gateway = gateway
        self.clock = clock
        self.startedAt = clock.now
    }

    /// Starts a payment for the user's pending booking: 201 with `paymentStatus: initiated`.
    /// With `answer`, the request's idempotent answer is stored in the same transaction as the attempt.
    public func initiate(userId: String, _ input: InitiatePaymentInput, answer: AnswerRecipe<Payment>? = nil) async throws -> Payment {
        guard let method = PaymentMethod(rawValue: input.paymentMethod) else {
            throw BoxOfficeError.invalid(
                "paymentMethod", "paymentMethod must be one of \(PaymentMethod.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let target = try await booking.ownBooking(userId: userId, bookingId: input.bookingId)
        try await ensurePayable(target)
        let now = clock.now
        let payment = Payment(
            id: Identifier.make("pay", at: now), bookingId: target.id, userId: userId, amount: target.totalAmount, currency: target.currency,
            paymentMethod: method, createdAt: now)
        try await write(JournalEntry(.payment(.created(payment)), answer: answer?.answer(for: payment)))
        answer?.markRecorded()
        return payment
    }

    /// Charges the payment. 200 with the completed payment (booking confirmed); 402 on a decline (the hold
    /// stays, try again); 409 `hold_expired` if the hold ran out (no money taken), `payment_in_progress` while
    /// another attempt of the booking is charged, `already_paid` once another attempt paid it.
    /// With `answer`, a success's idempotent answer is stored in the same transaction that confirms the booking.
    public func process(
        userId: String, paymentId: String, _ input: ProcessPaymentInput, answer: AnswerRecipe<Payment>? = nil
    ) async throws -> Payment {
        guard Identifier.looksValid(paymentId), let payment = try await payments.payment(id: paymentId), payment.userId == userId else {
            throw BoxOfficeError.notFound("payment", id: paymentId)
        }
        guard payment.paymentStatus == .initiated else { return try Self.settled(payment) }
        // What reaches the processor: the card as digits only (a number typed with spaces or dashes is the same card),
        // and no card at all for a method that takes none (a card sent with a UPI payment is ignored, never charged).
        var card: CardDetails?
        if payment.paymentMethod.needsCard {
            guard let given = input.card else { throw BoxOfficeError.invalid("card", "card details are required for \(payment.paymentMethod.rawValue)") }
            if let problem = given.problem(now: clock.now) { throw BoxOfficeError.invalid(problem.field, problem.message) }
            card = given.normalized
        }
        let target = try await booking.ownBooking(userId: userId, bookingId: payment.bookingId)
        try await ensurePayable(target, refusing: payment)
        let actor: ShowActor
        do {
            // On a copy of the show that is current (another node may have taken the hold: `retryingStale`).
            actor = try await booking.retryingStale(target.showId) { actor throws(SeatEngineError) in
                _ = try await actor.beginPayment(booking: target.id, payment: payment.id)
                return actor
            }
        } catch {
            // Another attempt is being charged, or the hold ended between the read and the pin: say which.
            return try await answerUnpinned(payment, userId: userId, because: error)
        }
        // This call now owns the booking's payment until it books the seats or unpins them. A copy of the show loaded
        // meanwhile (this one went out of date) pins the hold for it too.
        await booking.charges.begin(show: target.showId, booking: target.id, payment: payment.id)
        do {
            try await journal.append(JournalEntry(.payment(.chargeStarted(payment: payment.id, at: clock.now))))
        } catch {
            await booking.endCharge(show: target.showId, booking: target.id, payment: payment.id, pinnedOn: actor)
            // Refused by the database, not by this node's actor: another node charges this booking, or it is paid.
            if case PaymentWriteError.anotherInProgress = error { throw Self.inProgress }
            if case PaymentWriteError.bookingNotPending = error {
                let now = try await booking.ownBooking(userId: userId, bookingId: target.id)
                throw now.bookingStatus == .confirmed ? Self.alreadyPaid : BoxOfficeError(SeatEngineError.holdNotFound)
            }
            if error is PaymentWriteError, let current = try await payments.payment(id: payment.id) { return try Self.settled(current) }
            throw Self.notSaved
        }
        let decision: GatewayDecision
        do {
            decision = try await charge(payment, card: card)
        } catch {
            // The outcome is unknown: release whatever may have been authorised before the attempt is failed.
            let voided = (try? await gateway.void(reference: payment.id)) != nil
            try? await failCharge(payment.id, code: "gateway_unavailable", response: "\(error)", transactionId: nil)
            await booking.endCharge(show: target.showId, booking: target.id, payment: payment.id, pinnedOn: actor)
            throw BoxOfficeError(
                .unavailable, "unavailable",
                voided
                    ? "The payment processor did not answer; the attempt was voided, so no money was taken. Try again."
                    : "The payment processor did not answer; the attempt was failed and will not be captured. Try again.")
        }
        switch decision {
        case .declined(let code, let message):
            try? await failCharge(payment.id, code: code, response: message, transactionId: nil)
            await booking.endCharge(show: target.showId, booking: target.id, payment: payment.id, pinnedOn: actor)
            let shown = try await payments.payment(id: payment.id) ?? payment
            throw BoxOfficeError(.paymentFailed, code, message, details: ["payment": .value(EncodableValue(shown.view, identity: shown.id))])
        case .approved(let transactionId):
            let charge = Charge(payment: payment.id, transaction: transactionId)
            let booked: SeatChange
            do {
                // On the copy that pinned the hold; or, when another node wrote the show meanwhile (the copy is out of
                // date and the journal refused the confirmation), on the show loaded again, the hold pinned there.
                booked = try await booking.retryingStale(target.showId) { current throws(SeatEngineError) in
                    try await current.book(
                        booking: target.id, charge: charge, note: BookNote(payment: payment, answer: answer), resuming: current !== actor)
                }
            } catch {
                // A confirmation whose commit answered nothing (the connection dropped) may have committed all the same.
                if let stored = try? await payments.payment(id: payment.id), stored.paymentStatus == .completed {
                    await booking.charges.end(show: target.showId, booking: target.id)
                    return stored
                }
                // Not confirmed: the authorisation is released, so no money is taken; the attempt keeps its transaction.
                try? await gateway.void(reference: payment.id)
                try? await failCharge(payment.id, code: "not_confirmed", response: "\(error)", transactionId: transactionId)
                await booking.endCharge(show: target.showId, booking: target.id, payment: payment.id, pinnedOn: actor)
                if error != .journalFailed { throw BoxOfficeError(error) }
                throw BoxOfficeError(.unavailable, "unavailable", "The booking could not be confirmed; no money was taken. Try again.")
            }
            await booking.charges.end(show: target.showId, booking: target.id)
            // Exactly the row the confirmation wrote, and the answer stored with it.
            return payment.completed(by: charge, at: booked.at)
        }
    }

    /// The gateway's answer for `payment`, or a thrown `GatewayTimeout` after `chargeTimeout`: a processor that
    /// never answers must not keep the hold pinned (and every other attempt of the booking refused) for ever.
    private func charge(_ payment: Payment, card: CardDetails?) async throws -> GatewayDecision {
        try await withThrowingTaskGroup(of: GatewayDecision?.self) { group in
            group.addTask {
                try await gateway.charge(
                    amount: payment.amount, currency: payment.currency, method: payment.paymentMethod.rawValue, card: card, reference: payment.id)
            }
            group.addTask {
                try await Task.sleep(for: Self.chargeTimeout)
                return nil
            }
            defer { group.cancelAll() }
            guard let decision = try await group.next() ?? nil else { throw GatewayTimeout() }
            return decision
        }
    }

    /// How long a charge may take before it is given up (and voided).
    static let chargeTimeout: Duration = .seconds(30)

    /// Fails the attempt this call is charging (`processing` → `failed`), durably.
    func failCharge(_ paymentId: String, code: String, response: String?, transactionId: String?) async throws {
        try await journal.append(
            JournalEntry(.payment(.chargeFailed(payment: paymentId, code: code, response: response, transactionId: transactionId, at: clock.now))))
    }

    func write(_ entry: JournalEntry) async throws {
        do {
            try await journal.append(entry)
        } catch {
            throw Self.notSaved
        }
    }

    // MARK: Answers

    static let inProgress = BoxOfficeError(
        .conflict, "payment_in_progress", "A payment for this booking is being processed; nothing more was charged.")
    static let alreadyPaid = BoxOfficeError(
        .conflict, "already_paid", "This booking is already paid by another payment; nothing more was charged.")
    static let holdExpired = BoxOfficeError(.conflict, "hold_expired", "The hold on these seats has expired; no money was taken.")
    static let notSaved = BoxOfficeError(.unavailable, "unavailable", "The payment could not be saved; nothing was charged. Try again shortly.")

    /// The answer for an attempt that is no longer `initiated`: a captured one is returned as it is (processing
    /// twice changes nothing); a failed one is 409 `payment_failed`; one being charged is `payment_in_progress`.
    static func settled(_ payment: Payment) throws -> Payment {
        switch payment.paymentStatus {
        case .completed, .refunded:
            return payment
        case .failed:
            throw BoxOfficeError(
                .conflict, "payment_failed", "This payment failed (\(payment.failureCode ?? "failed")); start a new one.",
                details: ["payment": .value(EncodableValue(payment.view, identity: payment.id))])
        case .processing, .initiated:
            throw inProgress
        }
    }

    /// The hold could not be pinned for `payment`: answer what happened, from the engine's reason and the rows as
    /// they are now.
    private func answerUnpinned(_ payment: Payment, userId: String, because reason: SeatEngineError) async throws -> Payment {
        let current = try await payments.payment(id: payment.id) ?? payment
        if current.paymentStatus != .initiated { return try Self.settled(current) }
        let target = try await booking.ownBooking(userId: userId, bookingId: payment.bookingId)
        switch reason {
        case .paymentInProgress:
            throw Self.inProgress
        case .alreadyBooked:
            // Paid by another attempt; until that commit is durable the booking still reads pending.
            throw target.bookingStatus == .confirmed ? Self.alreadyPaid : Self.inProgress
        default:
            try await ensurePayable(target, refusing: current)
            // Pending, yet its hold is gone or due: it expired (the expiry's write is on its way).
            _ = try? await journal.append(JournalEntry(.payment(.refused(payment: current.id, code: "hold_expired", at: clock.now))))
            throw Self.holdExpired
        }
    }

    /// Throws unless `target` may be paid now: a pending booking whose hold has time left and whose show is open.
    /// Paid, cancelled and expired bookings answer what happened. An expired hold also refuses `payment` (kept as a
    /// failed attempt: it can never succeed); the other refusals store nothing.
    func ensurePayable(_ target: Booking, refusing payment: Payment? = nil) async throws {
        switch target.bookingStatus {
        case .pending:
            if target.expiresAt <= clock.now { break }
            _ = try await booking.openShow(target.showId)
            return
        case .expired:
            break
        case .confirmed:
            throw Self.alreadyPaid
        case .cancelled:
            throw BoxOfficeError(.conflict, "booking_cancelled", "This booking was cancelled; nothing was charged.")
        }
        if let payment { _ = try? await journal.append(JournalEntry(.payment(.refused(payment: payment.id, code: "hold_expired", at: clock.now)))) }
        throw Self.holdExpired
    }
}

/// The processor did not answer within the charge timeout.
struct GatewayTimeout: Error, CustomStringConvertible {
    var description: String { "the payment processor did not answer in time" }
}

extension PaymentService {
    /// Payments a stop left between the charge and the confirmation were never captured: mark them failed.
    /// Only those last touched before this server started, so no charge of this run is voided mid-way.
    public func voidInterrupted() async throws -> Int {
        let interrupted = try await payments.interruptedPayments(before: startedAt)
        var voided = 0
        for payment in interrupted {
            do {
                try? await gateway.void(reference: payment.id)
                try await failCharge(payment.id, code: "interrupted", response: "the server stopped before confirming", transactionId: nil)
                voided += 1
            } catch is PaymentWriteError {
                continue  // settled meanwhile
            }
        }
        return voided
    }
}
