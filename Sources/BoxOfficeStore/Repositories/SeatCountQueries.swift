import GRDB

/// The two reads behind every "how full are these shows" answer, shared by the catalog lists and the kiosk feed.
/// Statements are cached per connection, for lists padded to a power of two (`IdList`): every kiosk that watches a
/// board asks them again.
enum SeatCountQueries {
    /// Held and booked seats per show, for the shows among `showIds` that have any.
    /// The state condition lets SQLite use the partial index bookingSeats_live instead of scanning every seat.
    static func taken(_ showIds: [String], in db: Database) throws -> [String: (held: Int, booked: Int)] {
        var result = [String: (held: Int, booked: Int)]()
        let ids = IdList(showIds)
        let sql = """
            SELECT showId, state, COUNT(*) AS n FROM bookingSeats
            WHERE showId IN (\(ids.marks)) AND state IN ('held', 'booked') GROUP BY showId, state
            """
        for row in try Row.fetchAll(ids.statement(sql, in: db), arguments: ids.arguments) {
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
        let ids = IdList(showIds)
        let sql = "SELECT showId, MAX(version) AS v FROM seatChanges WHERE showId IN (\(ids.marks)) GROUP BY showId"
        for row in try Row.fetchAll(ids.statement(sql, in: db), arguments: ids.arguments) { result[row["showId"]] = row["v"] }
        return result
    }
}

/// The ids of an `IN (…)` list, padded with NULLs (which match nothing) to the next power of two, so that a
/// connection's statement cache holds a handful of shapes per query rather than one per list length: a kiosk round
/// or a catalog page may ask for any number of shows. Lists longer than `largestCached` are prepared afresh.
struct IdList {
    static let largestCached = 512

    let marks: String
    let arguments: StatementArguments
    private let cacheable: Bool

    init(_ ids: [String]) {
        let padded = ids.count <= 1 ? 1 : 1 << (Int.bitWidth - (ids.count - 1).leadingZeroBitCount)
        cacheable = padded <= Self.largestCached
        let count = cacheable ? padded : ids.count
        marks = databaseQuestionMarks(count: count)
        arguments = StatementArguments(ids.map { $0 as String? } + Array(repeating: String?.none, count: count - ids.count))
    }

    /// The statement for `sql` (which uses `marks`): from the connection's cache unless the list is too long.
    func statement(_ sql: String, in db: Database) throws -> Statement {
        cacheable ? try db.cachedStatement(sql: sql) : try db.makeStatement(sql: sql)
    }
}
