import Foundation
import GRDB
import SeatEngine

/// `LiveStore` on the SQLite file.
public struct SQLiteLiveStore: LiveStore {
    let database: BoxOfficeDatabase

    public init(database: BoxOfficeDatabase) {
        self.database = database
    }

    /// Ids of the active shows that have not ended by `now`, of one theatre or one city (exactly one of the two),
    /// narrowed to one local date when `date` is given; by start time, at most `limit`.
    public func runningShows(theatreId: String?, cityId: String?, date: String?, now: Date, limit: Int) async throws -> [String] {
        try await database.pool.read { db in
            var conditions: [SQL] = ["isActive", "endsAt > \(now)"]
            if let theatreId { conditions.append("theatreId = \(theatreId)") }
            if let cityId { conditions.append("cityId = \(cityId)") }
            if let date { conditions.append("showDate = \(date)") }
            let sql: SQL = "SELECT id FROM shows WHERE \(conditions.joined(operator: .and)) ORDER BY startsAt, id LIMIT \(limit)"
            let (statement, arguments) = try sql.build(db)
            // Cached per connection: the SQL text takes a handful of shapes, asked again by every kiosk of a board.
            return try String.fetchAll(db.cachedStatement(sql: statement), arguments: arguments)
        }
    }

    /// Seat counts of each known show among `showIds`, all read in one transaction so each count matches its version.
    /// Unknown ids are left out.
    public func availability(showIds: [String]) async throws -> [String: SeatCounts] {
        guard !showIds.isEmpty else { return [:] }
        return try await database.pool.read { db in try SeatCountQueries.counts(showIds, in: db) }
    }

    /// The show's last `limit` journaled changes after `after`, oldest first.
    public func recentChanges(showId: String, after: Int64, limit: Int) async throws -> [SeatChange] {
        try await database.pool.read { db in
            let rows = try Row.fetchAll(
                db, sql: "SELECT version, cause, seats, at FROM seatChanges WHERE showId = ? AND version > ? ORDER BY version DESC LIMIT ?",
                arguments: [showId, after, limit])
            return try rows.reversed().map { row in
                let cause: String = row["cause"]
                let seats: String = row["seats"]
                guard let reason = ChangeCause(rawValue: cause) else { throw LiveFeedReadError.unknownCause(cause) }
                return SeatChange(
                    show: showId, version: row["version"], cause: reason, seats: try JSONText.updates(from: seats),
                    at: row["at"])
            }
        }
    }
}

/// A journal row the live feed cannot read back.
public enum LiveFeedReadError: Error, Sendable, Equatable {
    case unknownCause(String)
}
