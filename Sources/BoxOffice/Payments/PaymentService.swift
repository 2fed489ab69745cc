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
        // This call now owns the booking's payment on this copy until it books the seats or unpins them; once the
        // database agrees (the attempt is `processing`), a copy of the show loaded meanwhile (this one went out of
        // date) pins the hold for it too.
        do {
            try await journal.append(JournalEntry(.payment(.chargeStarted(payment: payment.id, at: clock.now))))
            await booking.chargeStarted(show: target.showId, booking: target.id, payment: payment.id)
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
                booked = try await booking.bookCharged(
                    show: target.showId, booking: target.id, charge: charge, note: BookNote(payment: payment, answer: answer), pinnedOn: actor)
            } catch {
                return try await answerUnconfirmed(payment, charge: charge, show: target.showId, pinnedOn: actor, because: error)
            }
            // Exactly the row the confirmation wrote, and the answer stored with it.
            return payment.completed(by: charge, at: booked.at)
        }
    }

    /// The approved `charge` of `payment` was not confirmed (`error`); the payment's row says whether it was all the
    /// same — a commit whose answer was lost — so it is read, a few times if need be:
    /// - completed: the booking is confirmed, and this is its answer (this node's copy of the show is loaded again);
    /// - not completed: the authorisation is voided and the attempt failed, so no money is taken;
    /// - unknown (the database does not answer): nothing is voided that may have paid for a booking. The attempt stays
    ///   `processing` and is voided once it is a leftover (`voidInterrupted`), unless it completed.
    private func answerUnconfirmed(
        _ payment: Payment, charge: Charge, show: String, pinnedOn actor: ShowActor, because error: SeatEngineError
    ) async throws -> Payment {
        var stored: Payment?
        for attempt in 1...3 {
            if let read = try? await payments.payment(id: payment.id) {
                stored = read
                break
            }
            if attempt < 3 { try? await Task.sleep(for: .milliseconds(250 * attempt)) }
        }
        await booking.endCharge(show: show, booking: payment.bookingId, payment: payment.id, pinnedOn: actor)
        guard let stored, stored.paymentStatus != .completed else {
            await booking.reloadShow(show)
            if let stored { return stored }
            throw Self.outcomeUnknown
        }
        // Failed already: whoever failed it (the leftover sweep) released the authorisation.
        guard stored.paymentStatus == .processing else { throw Self.notConfirmed }
        // Not confirmed: the attempt is failed first — the one step a late confirmation cannot also win — and only then
        // is the authorisation released, so no money is taken; the attempt keeps its transaction.
        do {
            try await failCharge(payment.id, code: "not_confirmed", response: "\(error)", transactionId: charge.transaction)
        } catch is PaymentWriteError {
            // Settled meanwhile: a confirmation that was still on its way after all, or the leftover sweep.
            if let now = try? await payments.payment(id: payment.id), now.paymentStatus == .completed {
                await booking.reloadShow(show)
                return now
            }
            throw Self.notConfirmed
        } catch {
            throw Self.outcomeUnknown
        }
        try? await gateway.void(reference: payment.id)
        throw error == .journalFailed ? Self.notConfirmed : BoxOfficeError(error)
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
    static let notConfirmed = BoxOfficeError(.unavailable, "unavailable", "The booking could not be confirmed; no money was taken. Try again.")
    static let outcomeUnknown = BoxOfficeError(
        .unavailable, "unavailable",
        "Whether the booking was confirmed is not known yet; if it was not, the charge is voided within a few minutes and no money is taken.")

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
    /// Charges that will never be confirmed were never captured: mark them failed, then void them at the processor.
    /// - At start-up (`atStart`): on a database of this process alone (SQLite), every attempt still `processing` from
    ///   before this server started (a stop left it between the charge and the confirmation). With other nodes on the
    ///   database (PostgreSQL), only those older than `Payment.chargeLeftoverSeconds`: a younger one may be another
    ///   node's charge in progress — a node starting must not void it.
    /// - Then (`Housekeeping`, once a minute): attempts `processing` for longer than that, whatever their node — left by
    ///   a node that stopped and is not coming back, or by a confirmation whose outcome could not be read.
    public func voidInterrupted(atStart: Bool = true) async throws -> Int {
        let leftover = clock.now.addingTimeInterval(-Payment.chargeLeftoverSeconds)
        let cutoff = atStart && !booking.sharedWriters ? startedAt : leftover
        let interrupted = try await payments.interruptedPayments(before: cutoff)
        var voided = 0
        for payment in interrupted {
            // Failed first — the one step a confirmation arriving late cannot also win — and voided only then, so a
            // booking confirmed at the last moment keeps its money.
            do {
                try await failCharge(payment.id, code: "interrupted", response: "the server stopped before confirming", transactionId: nil)
            } catch is PaymentWriteError {
                continue  // settled meanwhile
            }
            try? await gateway.void(reference: payment.id)
            voided += 1
        }
        return voided
    }
}
