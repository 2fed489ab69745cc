import Foundation
import GRDB

/// The SQL of a payment attempt's own steps, run by the journal. Each step moves the attempt from the one status it
/// may leave (initiated → processing → failed), so a step that finds the attempt elsewhere changes nothing and
/// fails: a settled attempt is never overwritten. The step to `completed` is `BookingWrites.book`, with the booking.
public enum PaymentWrites {
    /// Records a new attempt (`initiated`).
    public static func insert(_ payment: Payment, in db: Database) throws {
        try payment.insert(db)
    }

    /// The attempt is about to be charged: `initiated` → `processing`. A crash from here until the booking is
    /// confirmed leaves it `processing`, which start-up voids (the charge was never captured).
    public static func startCharge(_ paymentId: String, at: Date, in db: Database) throws {
        try BookingWrites.run(
            "UPDATE payments SET paymentStatus = 'processing', updatedAt = ? WHERE id = ? AND paymentStatus = 'initiated'",
            [StorageDate.databaseValue(at), paymentId], in: db)
        guard db.changesCount == 1 else { throw PaymentWriteError.notInitiated(paymentId) }
    }

    /// The attempt failed before anything was captured: `initiated` or `processing` → `failed`.
    public static func fail(_ paymentId: String, code: String, response: String?, at: Date, in db: Database) throws {
        try BookingWrites.run(
            """
            UPDATE payments SET paymentStatus = 'failed', failureCode = ?, gatewayResponse = ?, updatedAt = ?
            WHERE id = ? AND paymentStatus IN ('initiated', 'processing')
            """,
            [code, response, StorageDate.databaseValue(at), paymentId], in: db)
        guard db.changesCount == 1 else { throw PaymentWriteError.alreadySettled(paymentId) }
    }
}

/// A payment step found the attempt in another status than the one it moves from; nothing was written.
public enum PaymentWriteError: Error, Sendable, Equatable {
    case notInitiated(String)
    case alreadySettled(String)
}
