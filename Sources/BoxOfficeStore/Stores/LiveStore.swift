import Foundation
import SeatEngine

/// The reads the live seat feed (WebSocket) needs from disk: which shows a kiosk board shows, their counts (which the
/// catalog's show lists report too), and a show's recent journaled changes (to refill the resume ring after a restart).
public protocol LiveStore: Sendable {
    /// Ids of the active shows that have not ended by `now`, of one theatre or one city (exactly one of the two),
    /// narrowed to one local date when `date` is given; by start time, at most `limit`.
    func runningShows(theatreId: String?, cityId: String?, date: String?, now: Date, limit: Int) async throws -> [String]
    /// Durable counts of each known show among `showIds` (unknown ones are left out), each matching its version.
    func availability(showIds: [String]) async throws -> [String: SeatCounts]
    /// A show's last `limit` journaled changes after version `after`, oldest first (so a node that has every change up to
    /// `after` reads only the new ones: usually one row).
    func recentChanges(showId: String, after: Int64, limit: Int) async throws -> [SeatChange]
}
