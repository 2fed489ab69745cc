/// The reads a restart and a cold show load make, in one place so their query plans can be checked: each must be an
/// index search, never a scan, because the tables they read grow with every booking ever made.
enum RecoveryQueries {
    /// A show's last journaled version: the primary key (showId, version).
    static let lastVersion = "SELECT MAX(version) FROM seatChanges WHERE showId = ?"

    /// A show's held and booked seats with their bookings. The state condition lets SQLite use the partial index
    /// bookingSeats_live (showId, seatNumber) WHERE state IN ('held', 'booked'); without it, it scans every seat.
    static let liveSeats = """
        SELECT s.seatNumber, s.state, b.id AS bookingId, b.userId, b.expiresAt, COALESCE(b.holdStartedAt, b.createdAt) FROM bookingSeats s
        JOIN bookings b ON b.id = s.bookingId WHERE s.showId = ? AND s.state IN ('held', 'booked')
        """

    /// Shows with pending bookings: the partial index bookings_pending.
    static let showsWithLiveHolds = "SELECT DISTINCT showId FROM bookings WHERE bookingStatus = 'pending'"

    /// Payments a crash left `processing`: the partial index payments_processing (migration v3).
    static let interruptedPayments = "SELECT * FROM payments WHERE paymentStatus = 'processing' AND updatedAt < ?"
}
