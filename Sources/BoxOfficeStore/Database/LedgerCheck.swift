import GRDB

/// The money rules a database must keep at every moment, crashes included, checked with plain SQL:
/// every confirmed booking is paid by exactly one completed payment, the one its `paymentId` names; every refunded
/// booking names a refunded payment; no completed payment exists without the confirmed booking it paid for; no
/// booking's seats are held or booked while the booking says otherwise; each show's sales (`showSales`, which the
/// report reads) add up to its bookings. `boxoffice check` and the crash tests run it.
public enum LedgerCheck {
    /// One rule and the SQL that lists what breaks it (one id per row).
    struct Rule {
        let name: String
        let sql: String
    }

    static let rules: [Rule] = [
        Rule(
            name: "confirmed booking whose paymentId is not its completed payment",
            sql: """
                SELECT b.id FROM bookings b LEFT JOIN payments p ON p.id = b.paymentId
                WHERE b.bookingStatus = 'confirmed'
                  AND (p.id IS NULL OR p.paymentStatus <> 'completed' OR p.bookingId <> b.id OR b.paymentStatus <> 'completed')
                """),
        Rule(
            name: "booking charged more than once",
            sql: "SELECT bookingId FROM payments WHERE paymentStatus = 'completed' GROUP BY bookingId HAVING COUNT(*) > 1"),
        Rule(
            name: "refunded booking whose paymentId is not a refunded payment",
            sql: """
                SELECT b.id FROM bookings b LEFT JOIN payments p ON p.id = b.paymentId
                WHERE b.paymentStatus = 'refunded' AND (p.id IS NULL OR p.paymentStatus <> 'refunded' OR b.bookingStatus <> 'cancelled')
                """),
        Rule(
            name: "completed payment without the confirmed booking it paid for",
            sql: """
                SELECT p.id FROM payments p
                WHERE p.paymentStatus = 'completed'
                  AND NOT EXISTS (SELECT 1 FROM bookings b WHERE b.id = p.bookingId AND b.bookingStatus = 'confirmed' AND b.paymentId = p.id)
                """),
        Rule(
            name: "seats held or booked for a booking that is not pending or confirmed",
            sql: """
                SELECT DISTINCT s.bookingId FROM bookingSeats s JOIN bookings b ON b.id = s.bookingId
                WHERE (s.state = 'held' AND b.bookingStatus <> 'pending') OR (s.state = 'booked' AND b.bookingStatus <> 'confirmed')
                """),
        Rule(
            name: "confirmed booking without booked seats",
            sql: """
                SELECT b.id FROM bookings b WHERE b.bookingStatus = 'confirmed'
                  AND NOT EXISTS (SELECT 1 FROM bookingSeats s WHERE s.bookingId = b.id AND s.state = 'booked')
                """),
        Rule(
            name: "show whose sales (showSales) do not add up to its bookings",
            sql: """
                SELECT x.showId FROM showSales x LEFT JOIN (
                    SELECT showId,
                           SUM(CASE WHEN bookingStatus = 'confirmed' THEN totalAmount ELSE 0 END) AS revenue,
                           SUM(CASE WHEN bookingStatus = 'confirmed' THEN 1 ELSE 0 END) AS bookings,
                           SUM(CASE WHEN paymentStatus = 'refunded' THEN totalAmount ELSE 0 END) AS refunds,
                           SUM(CASE WHEN paymentStatus = 'refunded' THEN 1 ELSE 0 END) AS refunded
                    FROM bookings GROUP BY showId
                ) b ON b.showId = x.showId
                WHERE x.revenue <> COALESCE(b.revenue, 0) OR x.bookings <> COALESCE(b.bookings, 0) OR x.refunds <> COALESCE(b.refunds, 0)
                   OR x.refundedBookings <> COALESCE(b.refunded, 0)
                   OR x.tickets <> (SELECT COUNT(*) FROM bookingSeats s WHERE s.showId = x.showId AND s.state = 'booked')
                UNION
                SELECT DISTINCT showId FROM bookings
                WHERE (bookingStatus = 'confirmed' OR paymentStatus = 'refunded') AND showId NOT IN (SELECT showId FROM showSales)
                """),
    ]

    /// What breaks the rules, as `rule: id` lines (at most 20 ids a rule); empty when the ledger is sound.
    public static func violations(in database: BoxOfficeDatabase) async throws -> [String] {
        try await database.pool.read { db in
            var found: [String] = []
            for rule in rules {
                for id in try String.fetchAll(db, sql: rule.sql + " LIMIT 20") { found.append("\(rule.name): \(id)") }
            }
            return found
        }
    }
}
