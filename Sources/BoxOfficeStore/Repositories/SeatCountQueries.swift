import GRDB

/// The two reads behind every "how full are these shows" answer, shared by the catalog lists and the kiosk feed.
/// Statements are cached per connection (one per list length): every kiosk that watches a board asks them again.
enum SeatCountQueries {
    /// Held and booked seats per show, for the shows among `showIds` that have any.
    /// The state condition lets SQLite use the partial index bookingSeats_live instead of scanning every seat.
    static func taken(_ showIds: [String], in db: Database) throws -> [String: (held: Int, booked: Int)] {
        var result = [String: (held: Int, booked: Int)]()
        let sql = """
            SELECT showId, state, COUNT(*) AS n FROM bookingSeats
            WHERE showId IN (\(databaseQuestionMarks(count: showIds.count))) AND state IN ('held', 'booked') GROUP BY showId, state
            """
        for row in try Row.fetchAll(db.cachedStatement(sql: sql), arguments: StatementArguments(showIds)) {
            let show: String = row["showId"]
            var entry = result[show] ?? (0, 0)
            if row["state"] as String == BookingSeat.State.held.rawValue { entry.held = row["n"] } else { entry.booked = row["n"] }
            result[show] = entry
        }
        return result
    }

    /// The last journaled version per show, for the shows among `showIds` that have changed at all.
    static func versions(_ showIds: [String], in db: Database) throws -> [String: Int64] {
        var result = [String: Int64]()
        let sql = "SELECT showId, MAX(version) AS v FROM seatChanges WHERE showId IN (\(databaseQuestionMarks(count: showIds.count))) GROUP BY showId"
        for row in try Row.fetchAll(db.cachedStatement(sql: sql), arguments: StatementArguments(showIds)) { result[row["showId"]] = row["v"] }
        return result
    }
}
