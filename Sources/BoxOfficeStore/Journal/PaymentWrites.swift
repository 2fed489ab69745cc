import Foundation
import GRDB

/// The SQL of a payment attempt's own steps, run by the journal. Each step moves the attempt from the one status it
/// may leave (initiated → processing → failed), so a step that finds the attempt elsewhere changes nothing and
/// fails: a settled attempt is never overwritten. The step to `completed` is `BookingWrites.book`, with the booking.
enum PaymentWrites {
    /// Records a new attempt (`initiated`).
    static func insert(_ payment: Payment, in db: Database) throws {
        try payment.insert(db)
    }

    /// The attempt is about to be charged: `initiated` → `processing`. A crash from here until the booking is
    /// confirmed leaves it `processing`, which start-up voids (the charge was never captured). Only the call that
    /// pinned the booking's hold gets here, so any other attempt of the booking still `processing` is a leftover
    /// whose failure could not be written: it is marked failed now.
    static func startCharge(_ paymentId: String, at: Date, in db: Database) throws {
        let when = StorageDate.databaseValue(at)
        try BookingWrites.run(
            "UPDATE payments SET paymentStatus = 'processing', updatedAt = ? WHERE id = ? AND paymentStatus = 'initiated'",
            [when, paymentId], in: db)
        guard db.changesCount == 1 else { throw PaymentWriteError.notInitiated(paymentId) }
        try BookingWrites.run(
            """
            UPDATE payments SET paymentStatus = 'failed', failureCode = 'interrupted', updatedAt = ?
            WHERE bookingId = (SELECT bookingId FROM payments WHERE id = ?) AND paymentStatus = 'processing' AND id <> ?
            """,
            [when, paymentId, paymentId], in: db)
    }

    /// An attempt that never reached the processor is refused (its hold expired first): `initiated` → `failed`.
    /// Any call may do this; one being charged is not touched.
    static func refuse(_ paymentId: String, code: String, at: Date, in db: Database) throws {
        try BookingWrites.run(
            "UPDATE payments SET paymentStatus = 'failed', failureCode = ?, updatedAt = ? WHERE id = ? AND paymentStatus = 'initiated'",
            [code, StorageDate.databaseValue(at), paymentId], in: db)
        guard db.changesCount == 1 else { throw PaymentWriteError.alreadySettled(paymentId) }
    }

    /// A charge that was not captured (declined, voided, or cut short by a stop): `processing` → `failed`, keeping
    /// the processor's transaction id when there was one. Only the call that pinned the hold, or start-up, does this.
    static func fail(_ paymentId: String, code: String, response: String?, transactionId: String?, at: Date, in db: Database) throws {
        try BookingWrites.run(
            """
            UPDATE payments SET paymentStatus = 'failed', failureCode = ?, gatewayResponse = ?, transactionId = ?, updatedAt = ?
            WHERE id = ? AND paymentStatus = 'processing'
            """,
            [code, response, transactionId, StorageDate.databaseValue(at), paymentId], in: db)
        guard db.changesCount == 1 else { throw PaymentWriteError.alreadySettled(paymentId) }
    }
}

/// A payment step found the attempt in another status than the one it moves from; nothing was written.
public enum PaymentWriteError: Error, Sendable, Equatable {
    case notInitiated(String)
    case alreadySettled(String)
    /// Another attempt of the same booking is being charged (by another node: on one node the show's actor refuses
    /// it first).
    case anotherInProgress(String)
    /// The booking is no longer pending (paid by another attempt, or ended).
    case bookingNotPending(String)
}
