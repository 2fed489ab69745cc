@testable import BoxOfficeStore
import Foundation
import GRDB
import Testing

/// A restart loads every show with pending holds, and every cold show load reads its seats: on a database with a
/// million booked seats a full scan per show made the restart take 36-40 s. These reads must stay index searches.
@Suite("Restart reads use indexes")
struct RecoveryQueryPlanTests {
    @Test("each start-up and show-load read is an index search, never a table scan")
    func indexSearches() async throws {
        let database = try temporaryDatabase()
        let queries: [(name: String, sql: String, arguments: [String], index: String)] = [
            ("last version", RecoveryQueries.lastVersion, ["shw_x"], "sqlite_autoindex_seatChanges_1"),
            ("live seats", RecoveryQueries.liveSeats, ["shw_x"], "bookingSeats_live"),
            ("shows with live holds", RecoveryQueries.showsWithLiveHolds, [], "bookings_pending"),
            ("interrupted payments", RecoveryQueries.interruptedPayments, ["2026-01-01 00:00:00.000"], "payments_processing"),
        ]
        for query in queries {
            let plan = try await database.pool.read { db in
                try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + query.sql, arguments: StatementArguments(query.arguments)).map { $0["detail"] as String }
            }
            #expect(!plan.contains { $0.hasPrefix("SCAN") }, "\(query.name) scans: \(plan)")
            #expect(plan.contains { $0.contains("INDEX \(query.index)") }, "\(query.name) does not use \(query.index): \(plan)")
        }
    }
}
