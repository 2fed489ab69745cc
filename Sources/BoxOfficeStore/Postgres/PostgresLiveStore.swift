import Foundation
import Logging
import PostgresNIO
import SeatEngine

/// `LiveStore` on PostgreSQL.
public struct PostgresLiveStore: LiveStore {
    let connections: PostgresConnections
    let logger: Logger

    public init(database: PostgresDatabase, logger: Logger) {
        self.connections = database.connections
        self.logger = logger
    }

    public func runningShows(theatreId: String?, cityId: String?, date: String?, now: Date, limit: Int) async throws -> [String] {
        var shows: [String] = []
        let rows = try await connections.query(
            """
            SELECT id FROM shows
            WHERE isActive AND endsAt > \(now)
              AND (\(theatreId)::text IS NULL OR theatreId = \(theatreId))
              AND (\(cityId)::text IS NULL OR cityId = \(cityId))
              AND (\(date)::text IS NULL OR showDate = \(date))
            ORDER BY startsAt, id LIMIT \(limit)
            """, logger: logger)
        for try await id in rows.decode(String.self) { shows.append(id) }
        return shows
    }

    /// One statement, so every count matches its version (one snapshot). Unknown ids are left out.
    public func availability(showIds: [String]) async throws -> [String: SeatCounts] {
        guard !showIds.isEmpty else { return [:] }
        var result = [String: SeatCounts]()
        let rows = try await connections.query(
            """
            SELECT s.id, s.totalSeats,
                (SELECT COUNT(*) FROM bookingSeats b WHERE b.showId = s.id AND b.state = 'held'),
                (SELECT COUNT(*) FROM bookingSeats b WHERE b.showId = s.id AND b.state = 'booked'),
                (SELECT COALESCE(MAX(version), 0) FROM seatChanges c WHERE c.showId = s.id)
            FROM shows s WHERE s.id = ANY(\(showIds))
            """, logger: logger)
        for try await (id, total, held, booked, version) in rows.decode((String, Int, Int, Int, Int64).self) {
            result[id] = SeatCounts(version: version, available: total - held - booked, held: held, booked: booked, total: total)
        }
        return result
    }

    public func recentChanges(showId: String, after: Int64, limit: Int) async throws -> [SeatChange] {
        var changes: [SeatChange] = []
        let rows = try await connections.query(
            "SELECT version, cause, seats, at FROM seatChanges WHERE showId = \(showId) AND version > \(after) ORDER BY version DESC LIMIT \(limit)",
            logger: logger)
        for try await (version, cause, seats, at) in rows.decode((Int64, String, String, Date).self) {
            changes.append(
                SeatChange(
                    show: showId, version: version, cause: try storedWord(cause, column: "cause", as: ChangeCause.self),
                    seats: try JSONText.updates(from: seats), at: at))
        }
        return changes.reversed()
    }
}
