import Foundation
import GRDB
import SeatEngine

/// The SQL of each seat change, run by the journal inside a group transaction. Each function writes the
/// versioned `seatChanges` row and the booking rows that change with it, so they are durable together.
public enum BookingWrites {
    /// Appends the change to the show's journal (append-only; unique per version).
    public static func record(_ change: SeatChange, in db: Database) throws {
        let seats = String(decoding: try JSONEncoder().encode(change.seats), as: UTF8.self)
        try db.execute(
            sql: "INSERT INTO seatChanges (showId, version, cause, seats, at) VALUES (?, ?, ?, ?, ?)",
            arguments: [change.show, change.version, change.cause.rawValue, seats, change.at])
    }

    /// A new pending booking holds its seats; the same user's earlier pending booking, if replaced, is cancelled.
    public static func lock(_ booking: Booking, replacing replaced: String?, change: SeatChange, in db: Database) throws {
        try record(change, in: db)
        if let replaced { try end(replaced, as: .cancelled, at: change.at, in: db) }
        try booking.insert(db)
        for seat in booking.seats {
            try BookingSeat(showId: booking.showId, seatNumber: seat.seatNumber, bookingId: booking.id, state: .held).insert(db)
        }
    }

    /// Pending bookings end (cancelled by their user, or expired) and free their seats.
    public static func release(_ bookings: [String], as status: BookingStatus, change: SeatChange, in db: Database) throws {
        try record(change, in: db)
        for booking in bookings { try end(booking, as: status, at: change.at, in: db) }
    }

    /// Payment succeeded: the booking is confirmed, its seats booked and its processing payment completed, together.
    public static func book(_ bookingId: String, change: SeatChange, in db: Database) throws {
        try record(change, in: db)
        guard let payment = try Payment.filter(Column("bookingId") == bookingId && Column("paymentStatus") == PaymentStatus.processing.rawValue)
            .order(Column("createdAt").desc).fetchOne(db)
        else { throw BookingWriteError.noProcessingPayment(bookingId) }
        try db.execute(
            sql: "UPDATE payments SET paymentStatus = 'completed', paidAt = ?, updatedAt = ? WHERE id = ?",
            arguments: [change.at, change.at, payment.id])
        try db.execute(
            sql: """
                UPDATE bookings SET bookingStatus = 'confirmed', paymentStatus = 'completed', paymentId = ?, updatedAt = ?
                WHERE id = ? AND bookingStatus = 'pending'
                """,
            arguments: [payment.id, change.at, bookingId])
        guard db.changesCount == 1 else { throw BookingWriteError.notPending(bookingId) }
        try db.execute(sql: "UPDATE bookingSeats SET state = 'booked' WHERE bookingId = ?", arguments: [bookingId])
    }

    /// A confirmed booking is cancelled before its show: refunded, and its seats freed.
    public static func cancelConfirmed(_ bookingId: String, change: SeatChange, in db: Database) throws {
        try record(change, in: db)
        try db.execute(
            sql: "UPDATE payments SET paymentStatus = 'refunded', refundedAt = ?, updatedAt = ? WHERE bookingId = ? AND paymentStatus = 'completed'",
            arguments: [change.at, change.at, bookingId])
        try db.execute(
            sql: "UPDATE bookings SET bookingStatus = 'cancelled', paymentStatus = 'refunded', updatedAt = ? WHERE id = ? AND bookingStatus = 'confirmed'",
            arguments: [change.at, bookingId])
        guard db.changesCount == 1 else { throw BookingWriteError.notConfirmed(bookingId) }
        try db.execute(sql: "DELETE FROM bookingSeats WHERE bookingId = ?", arguments: [bookingId])
    }

    static func end(_ bookingId: String, as status: BookingStatus, at: Date, in db: Database) throws {
        try db.execute(
            sql: "UPDATE bookings SET bookingStatus = ?, updatedAt = ? WHERE id = ? AND bookingStatus = 'pending'",
            arguments: [status.rawValue, at, bookingId])
        try db.execute(sql: "DELETE FROM bookingSeats WHERE bookingId = ?", arguments: [bookingId])
    }
}

/// A booking write found the rows in a state the engine did not expect: the batch entry fails loudly.
public enum BookingWriteError: Error, Sendable, Equatable {
    case noProcessingPayment(String)
    case notPending(String)
    case notConfirmed(String)
}
