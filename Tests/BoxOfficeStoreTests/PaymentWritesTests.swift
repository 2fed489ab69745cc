@testable import BoxOfficeStore
import Foundation
import GRDB
import Testing

/// Each payment step moves an attempt only from the status it leaves, so a step taken by a call that lost a race
/// changes nothing: a settled attempt is never overwritten, and only the charging call fails a charge.
@Suite("Payment steps on disk")
struct PaymentWritesTests {
    let at = Date(timeIntervalSince1970: 1_800_000_000)

    func database(payments: [String]) async throws -> BoxOfficeDatabase {
        let database = try temporaryDatabase()
        try await database.pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA foreign_keys = OFF")  // the booking's show and user are beside the point
            try db.execute(sql: """
                INSERT INTO bookings (id, userId, showId, movieId, theatreId, seats, totalAmount, currency, bookingStatus, paymentStatus,
                                      expiresAt, showDate, showTime, createdAt, updatedAt)
                VALUES ('bkg_1', 'usr_1', 'shw_1', 'mov_1', 'thr_1', '[]', 100, 'INR', 'pending', 'pending',
                        '2030-01-01 00:05:00.000', '2030-01-02', '18:00', '2030-01-01 00:00:00.000', '2030-01-01 00:00:00.000')
                """)
            for id in payments {
                try Payment(id: id, bookingId: "bkg_1", userId: "usr_1", amount: 100, currency: "INR", paymentMethod: .upi, createdAt: at).insert(db)
            }
            try db.execute(sql: "PRAGMA foreign_keys = ON")
        }
        return database
    }

    func status(_ id: String, in database: BoxOfficeDatabase) async throws -> (String, String?, String?) {
        try await database.pool.read { db in
            let row = try #require(try Row.fetchOne(db, sql: "SELECT paymentStatus, failureCode, transactionId FROM payments WHERE id = ?", arguments: [id]))
            return (row[0], row[1], row[2])
        }
    }

    @Test("a refusal (hold expired before the pin) never touches an attempt being charged")
    func refuseLeavesProcessingAlone() async throws {
        let database = try await database(payments: ["pay_1"])
        try await database.pool.write { db in try PaymentWrites.startCharge("pay_1", at: at, in: db) }
        await #expect(throws: PaymentWriteError.alreadySettled("pay_1")) {
            try await database.pool.write { db in try PaymentWrites.refuse("pay_1", code: "hold_expired", at: at, in: db) }
        }
        #expect(try await status("pay_1", in: database).0 == "processing")
        // The charging call fails it, keeping the processor's transaction.
        try await database.pool.write { db in
            try PaymentWrites.fail("pay_1", code: "not_confirmed", response: "disk full", transactionId: "txn_9", at: at, in: db)
        }
        #expect(try await status("pay_1", in: database) == ("failed", "not_confirmed", "txn_9"))
        // Settled: no step moves it again.
        await #expect(throws: PaymentWriteError.self) {
            try await database.pool.write { db in try PaymentWrites.startCharge("pay_1", at: at, in: db) }
        }
        await #expect(throws: PaymentWriteError.self) {
            try await database.pool.write { db in
                try PaymentWrites.fail("pay_1", code: "card_declined", response: nil, transactionId: nil, at: at, in: db)
            }
        }
        #expect(try await status("pay_1", in: database) == ("failed", "not_confirmed", "txn_9"))
    }

    @Test("starting a charge fails a leftover processing attempt of the same booking, and nothing else")
    func startChargeClearsLeftovers() async throws {
        let database = try await database(payments: ["pay_1", "pay_2", "pay_3"])
        try await database.pool.write { db in try PaymentWrites.startCharge("pay_1", at: at, in: db) }
        // pay_1's failure could not be written (say, the disk was full): it is left processing. pay_2 starts later.
        try await database.pool.write { db in try PaymentWrites.startCharge("pay_2", at: at, in: db) }
        #expect(try await status("pay_1", in: database).0 == "failed")
        #expect(try await status("pay_1", in: database).1 == "interrupted")
        #expect(try await status("pay_2", in: database).0 == "processing")
        #expect(try await status("pay_3", in: database).0 == "initiated")
    }
}
