import Foundation
import GRDB
import SeatEngine

/// The SQL of each seat change, run by the journal inside a group transaction. Each function writes the
/// versioned `seatChanges` row and the booking rows that change with it, so they are durable together.
///
/// Every statement is a cached prepared statement (`db.cachedStatement`), compiled once per connection; rows are
/// bound column by column, not through `Codable` records. Values are stored exactly as the records would store
/// them (dates as GRDB's `Date` text, written by `StorageDate`; JSON columns as JSON text), so readers see no change.
enum BookingWrites {
    /// Appends the change to the show's journal (append-only; unique per version).
    static func record(_ change: SeatChange, in db: Database) throws {
        try run(
            "INSERT INTO seatChanges (showId, version, cause, seats, at) VALUES (?, ?, ?, ?, ?)",
            [change.show, change.version, change.cause.rawValue, JSONText.updates(change.seats), StorageDate.databaseValue(change.at)], in: db)
    }

    /// A new pending booking holds its seats; the same user's earlier pending booking, if replaced, is cancelled.
    /// The booking's film, date and time are the show's as they stand in this transaction, not as the lock read them
    /// from the show cache: an admin's edit of the show (which rewrites its bookings' copies) that committed after that
    /// read is not undone by this booking. (The booking's own values stand in only for a show row that is missing.)
    static func lock(_ booking: Booking, replacing replaced: String?, change: SeatChange, in db: Database) throws {
        try record(change, in: db)
        if let replaced { try end(replaced, as: .cancelled, at: change.at, in: db) }
        try run(
            """
            INSERT INTO bookings (id, userId, showId, movieId, theatreId, seats, totalAmount, currency, bookingStatus, paymentStatus,
                                  paymentId, expiresAt, showDate, showTime, createdAt, updatedAt, holdStartedAt)
            SELECT ?, ?, ?, COALESCE(s.movieId, ?), ?, ?, ?, ?, ?, ?, ?, ?, COALESCE(s.showDate, ?), COALESCE(s.showTime, ?), ?, ?, ?
            FROM (SELECT 1) LEFT JOIN shows s ON s.id = ?
            """,
            [
                booking.id, booking.userId, booking.showId, booking.movieId, booking.theatreId, JSONText.seats(booking.seats),
                booking.totalAmount, booking.currency, booking.bookingStatus.rawValue, booking.paymentStatus.rawValue, booking.paymentId,
                StorageDate.databaseValue(booking.expiresAt), booking.showDate, booking.showTime, StorageDate.databaseValue(booking.createdAt),
                StorageDate.databaseValue(booking.updatedAt), booking.holdStartedAt.map(StorageDate.databaseValue), booking.showId,
            ], in: db)
        let seatRow = try db.cachedStatement(sql: "INSERT INTO bookingSeats (showId, seatNumber, bookingId, state) VALUES (?, ?, ?, 'held')")
        for seat in booking.seats {
            try seatRow.execute(arguments: [booking.showId, seat.seatNumber, booking.id])
        }
    }

    /// Runs one cached prepared statement.
    static func run(_ sql: String, _ arguments: StatementArguments, in db: Database) throws {
        try db.cachedStatement(sql: sql).execute(arguments: arguments)
    }

    /// Pending bookings end (cancelled by their user, or expired) and free their seats.
    static func release(_ bookings: [String], as status: BookingStatus, change: SeatChange, in db: Database) throws {
        try record(change, in: db)
        for booking in bookings { try end(booking, as: status, at: change.at, in: db) }
    }

    /// `charge` succeeded: its payment is completed (with the processor's transaction), the booking confirmed naming
    /// that payment, and the seats booked, together. Only the payment being charged completes: one that is not
    /// `processing` for this booking fails the entry, so nothing is confirmed on another attempt's money.
    static func book(_ bookingId: String, charge: Charge, ticketCode: String, change: SeatChange, in db: Database) throws {
        try record(change, in: db)
        let at = StorageDate.databaseValue(change.at)
        try run(
            """
            UPDATE payments SET paymentStatus = 'completed', transactionId = ?, gatewayResponse = 'approved', paidAt = ?, updatedAt = ?
            WHERE id = ? AND bookingId = ? AND paymentStatus = 'processing'
            """,
            [charge.transaction, at, at, charge.payment, bookingId], in: db)
        guard db.changesCount == 1 else { throw BookingWriteError.paymentNotProcessing(charge.payment) }
        try run(
            """
            UPDATE bookings SET bookingStatus = 'confirmed', paymentStatus = 'completed', paymentId = ?, ticketCode = ?, updatedAt = ?
            WHERE id = ? AND bookingStatus = 'pending'
            """,
            [charge.payment, ticketCode, at, bookingId], in: db)
        guard db.changesCount == 1 else { throw BookingWriteError.notPending(bookingId) }
        try run("UPDATE bookingSeats SET state = 'booked' WHERE bookingId = ?", [bookingId], in: db)
        // The show's sales move with it.
        try run(
            """
            INSERT INTO showSales (showId, revenue, tickets, bookings)
            SELECT showId, totalAmount, json_array_length(seats), 1 FROM bookings WHERE id = ? AND true
            ON CONFLICT (showId) DO UPDATE SET revenue = revenue + excluded.revenue, tickets = tickets + excluded.tickets, bookings = bookings + 1
            """,
            [bookingId], in: db)
    }

    /// A confirmed booking is cancelled before its show: the payment that paid for it is refunded, and its seats freed.
    static func cancelConfirmed(_ bookingId: String, change: SeatChange, in db: Database) throws {
        try record(change, in: db)
        let at = StorageDate.databaseValue(change.at)
        try run(
            """
            UPDATE payments SET paymentStatus = 'refunded', refundedAt = ?, updatedAt = ?
            WHERE id = (SELECT paymentId FROM bookings WHERE id = ? AND bookingStatus = 'confirmed') AND paymentStatus = 'completed'
            """,
            [at, at, bookingId], in: db)
        guard db.changesCount == 1 else { throw BookingWriteError.noCompletedPayment(bookingId) }
        try run(
            "UPDATE bookings SET bookingStatus = 'cancelled', paymentStatus = 'refunded', updatedAt = ? WHERE id = ? AND bookingStatus = 'confirmed'",
            [at, bookingId], in: db)
        guard db.changesCount == 1 else { throw BookingWriteError.notConfirmed(bookingId) }
        try run("DELETE FROM bookingSeats WHERE bookingId = ?", [bookingId], in: db)
        try run(
            """
            UPDATE showSales SET revenue = revenue - b.totalAmount, tickets = tickets - json_array_length(b.seats), bookings = bookings - 1,
                refunds = refunds + b.totalAmount, refundedBookings = refundedBookings + 1
            FROM (SELECT showId, totalAmount, seats FROM bookings WHERE id = ?) AS b WHERE showSales.showId = b.showId
            """,
            [bookingId], in: db)
    }

    static func end(_ bookingId: String, as status: BookingStatus, at: Date, in db: Database) throws {
        try run(
            "UPDATE bookings SET bookingStatus = ?, updatedAt = ? WHERE id = ? AND bookingStatus = 'pending'",
            [status.rawValue, StorageDate.databaseValue(at), bookingId],
            in: db)
        try run("DELETE FROM bookingSeats WHERE bookingId = ?", [bookingId], in: db)
    }

    /// A pending booking's hold is extended: its new expiry, only while it is pending.
    static func extend(_ bookingId: String, until expiresAt: Date, at: Date, in db: Database) throws {
        try run(
            "UPDATE bookings SET expiresAt = ?, updatedAt = ? WHERE id = ? AND bookingStatus = 'pending'",
            [StorageDate.databaseValue(expiresAt), StorageDate.databaseValue(at), bookingId], in: db)
        guard db.changesCount == 1 else { throw BookingWriteError.notPending(bookingId) }
    }

    /// A confirmed booking's ticket is admitted at the door: only once, only while confirmed.
    static func admit(_ bookingId: String, at: Date, in db: Database) throws {
        let at = StorageDate.databaseValue(at)
        try run(
            "UPDATE bookings SET admittedAt = ?, updatedAt = ? WHERE id = ? AND bookingStatus = 'confirmed' AND admittedAt IS NULL",
            [at, at, bookingId], in: db)
        guard db.changesCount == 1 else { throw BookingWriteError.notAdmissible(bookingId) }
    }
}

/// A booking write found the rows in a state the engine did not expect: the batch entry fails loudly.
public enum BookingWriteError: Error, Sendable, Equatable {
    /// The charged payment is not `processing` for this booking.
    case paymentNotProcessing(String)
    /// A confirmed booking without the completed payment its `paymentId` names.
    case noCompletedPayment(String)
    case notPending(String)
    case notConfirmed(String)
    /// A ticket scanned at the door whose booking is not confirmed, or was admitted already.
    case notAdmissible(String)
    /// The hold's row is not as the writing copy of the show has it: another node extended it, is charging it, or
    /// ended it, so an expiry (`PostgresJournalWrites.ensureDue`) or an extension computed from the old expiry is
    /// refused, and the copy is out of date (PostgreSQL, several nodes). The batch writer answers it as `StaleShow`.
    case outOfDate(String)
    /// A change would end a hold (a cancel, or a lock replacing it) whose payment another node is charging. The batch
    /// writer answers it as `HoldBeingPaid` (PostgreSQL, several nodes).
    case beingPaid(String)
}
