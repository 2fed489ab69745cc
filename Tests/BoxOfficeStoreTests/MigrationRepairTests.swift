@testable import BoxOfficeStore
import Foundation
import GRDB
import Testing

/// Databases written by earlier versions may hold what those versions got wrong; upgrading repairs them before the
/// new guards go on, so the upgrade never fails and the ledger is sound afterwards.
@Suite("Upgrading a database the old payment code left")
struct MigrationRepairTests {
    @Test("double charges are refunded, a confirmed booking is pointed at its completed payment, interrupted attempts voided")
    func repairsDoubleCharges() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("boxoffice-migrate-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent("old.sqlite").path
        let old = try DatabaseQueue(path: path)
        try Migrations.migrator.migrate(old, upTo: "v3-payments-processing")
        try await old.writeWithoutTransaction { db in
            // Rows only: the shows and movies they name are beside the point.
            try db.execute(sql: "PRAGMA foreign_keys = OFF")
            try db.execute(sql: """
                INSERT INTO users (id, name, email, passwordHash, role, isActive, createdAt, updatedAt)
                VALUES ('usr_1', 'A', 'Kim@Example.com', 'x', 'user', 1, '2026-01-01 00:00:00.000', '2026-01-01 00:00:00.000'),
                       ('usr_2', 'B', 'kim@example.com ', 'x', 'user', 1, '2026-01-02 00:00:00.000', '2026-01-02 00:00:00.000'),
                       ('usr_3', 'Squatter', '\u{FF4A}o@example.com', 'x', 'user', 1, '2025-12-01 00:00:00.000', '2025-12-01 00:00:00.000'),
                       ('usr_4', 'Jo', 'jo@example.com', 'x', 'user', 1, '2026-01-03 00:00:00.000', '2026-01-03 00:00:00.000')
                """)
            for (booking, paymentId) in [("bkg_1", "pay_1b"), ("bkg_2", "pay_2a"), ("bkg_3", "pay_3a")] {
                try db.execute(sql: """
                    INSERT INTO bookings (id, userId, showId, movieId, theatreId, seats, totalAmount, currency, bookingStatus, paymentStatus,
                                          paymentId, expiresAt, showDate, showTime, createdAt, updatedAt)
                    VALUES (?, 'usr_1', 'shw_1', 'mov_1', 'thr_1', '[]', 100, 'INR', 'confirmed', 'completed', ?,
                            '2026-01-01 00:05:00.000', '2026-01-02', '18:00', '2026-01-01 00:00:00.000', '2026-01-01 00:00:00.000')
                    """, arguments: [booking, paymentId])
                try db.execute(sql: "INSERT INTO bookingSeats (showId, seatNumber, bookingId, state) VALUES ('shw_1', ?, ?, 'booked')", arguments: [booking, booking])
            }
            // bkg_1 charged twice (both completed); bkg_2 names a failed attempt while another completed; one attempt interrupted.
            for (id, booking, status, created) in [
                ("pay_1a", "bkg_1", "completed", "01"), ("pay_1b", "bkg_1", "completed", "02"),
                ("pay_2a", "bkg_2", "failed", "01"), ("pay_2b", "bkg_2", "completed", "02"), ("pay_2c", "bkg_2", "processing", "03"),
                ("pay_3a", "bkg_3", "failed", "04"),
            ] {
                try db.execute(sql: """
                    INSERT INTO payments (id, bookingId, userId, amount, currency, paymentMethod, paymentStatus, createdAt, updatedAt)
                    VALUES (?, ?, 'usr_1', 100, 'INR', 'upi', ?, ?, ?)
                    """, arguments: [id, booking, status, "2026-01-01 00:00:\(created).000", "2026-01-01 00:00:\(created).000"])
            }
            // bkg_3's only attempt was approved (it has a transaction) and then overwritten as failed by a stale copy.
            try db.execute(sql: "UPDATE payments SET transactionId = 'txn_3a' WHERE id = 'pay_3a'")
        }
        try old.close()

        let database = try BoxOfficeDatabase(path: path)
        #expect(try await LedgerCheck.violations(in: database).isEmpty)
        let statuses = try await database.pool.read { db in
            try Dictionary(uniqueKeysWithValues: Row.fetchAll(db, sql: "SELECT id, paymentStatus FROM payments").map { ($0["id"] as String, $0["paymentStatus"] as String) })
        }
        #expect(
            statuses == [
                "pay_1a": "refunded", "pay_1b": "completed", "pay_2a": "failed", "pay_2b": "completed", "pay_2c": "failed",
                "pay_3a": "completed",
            ])
        let paidBy = try await database.pool.read { db in try String.fetchOne(db, sql: "SELECT paymentId FROM bookings WHERE id = 'bkg_2'") }
        #expect(paidBy == "pay_2b")
        // The earliest account keeps the address; the lookalike no longer matches it.
        let owner = try await SQLiteAccountStore(database: database).user(email: "KIM@example.com")
        #expect(owner?.id == "usr_1")
        // A lookalike registered first does not take the address from the account that typed it plainly.
        #expect(try await SQLiteAccountStore(database: database).user(email: "jo@example.com")?.id == "usr_4")
        // From now on the database itself refuses a second completed payment for a booking.
        await #expect(throws: DatabaseError.self) {
            try await database.pool.write { db in try db.execute(sql: "UPDATE payments SET paymentStatus = 'completed' WHERE id = 'pay_1a'") }
        }
    }
}
