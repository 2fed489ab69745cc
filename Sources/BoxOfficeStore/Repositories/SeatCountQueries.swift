import GRDB
import SeatEngine

/// The reads behind every "how full are these shows" answer (the catalog's show lists and the kiosk feed), in the
/// caller's transaction so each count matches its version. Statements are cached per connection, for lists padded to a
/// power of two (`IdList`): every kiosk that watches a board asks them again.
enum SeatCountQueries {
    /// Counts of each known show among `showIds`; unknown ids are left out.
    static func counts(_ showIds: [String], in db: Database) throws -> [String: SeatCounts] {
        let ids = IdList(showIds)
        var result = [String: SeatCounts]()
        for row in try Row.fetchAll(ids.statement("SELECT id, totalSeats FROM shows WHERE id IN (\(ids.marks))", in: db), arguments: ids.arguments) {
            let total: Int = row["totalSeats"]
            result[row["id"]] = SeatCounts(available: total, total: total)
        }
        // bookingSeats holds one row per held or booked seat; released seats have no row. The state condition lets
        // SQLite use the partial index bookingSeats_live instead of scanning every seat.
        let taken = """
            SELECT showId, state, COUNT(*) AS n FROM bookingSeats
            WHERE showId IN (\(ids.marks)) AND state IN ('held', 'booked') GROUP BY showId, state
            """
        for row in try Row.fetchAll(ids.statement(taken, in: db), arguments: ids.arguments) {
            let show: String = row["showId"]
            guard var counts = result[show] else { continue }
            let seats: Int = row["n"]
            if row["state"] as String == BookingSeat.State.held.rawValue { counts.held = seats } else { counts.booked = seats }
            counts.available = counts.total - counts.held - counts.booked
            result[show] = counts
        }
        let versions = "SELECT showId, MAX(version) AS v FROM seatChanges WHERE showId IN (\(ids.marks)) GROUP BY showId"
        for row in try Row.fetchAll(ids.statement(versions, in: db), arguments: ids.arguments) { result[row["showId"]]?.version = row["v"] }
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
