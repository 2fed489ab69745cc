import SeatEngine

/// What the live seat feed (the WebSocket hub) reads, and nothing more: snapshots from the engine, counts, the
/// shows a kiosk board covers, and recent journaled changes. A protocol so the hub can be tested without a database.
public protocol LiveSeatSource: Sendable {
    /// The show's committed seats at one version; nil for an unknown show.
    func snapshot(showId: String) async throws -> SeatSnapshot?

    /// Counts of each known show among `showIds` (unknown ones are left out), each matching its version.
    func availability(showIds: [String]) async throws -> [String: SeatCounts]

    /// The active shows that have not ended that `selector` covers, by start time, at most `limit`.
    /// Throws `LiveSourceError.unknownPlace` when its theatre or city does not exist.
    func runningShows(_ selector: WatchSelector, limit: Int) async throws -> [String]

    /// The show's last `limit` journaled changes after version `after`, oldest first (to refill the resume ring after a
    /// restart, `after` 0; to read another node's new changes, `after` the last one known here).
    func recentChanges(showId: String, after: Int64, limit: Int) async throws -> [SeatChange]
}

/// Which shows a kiosk board watches: a theatre's or a city's, optionally on one local date (`YYYY-MM-DD`).
public struct WatchSelector: Hashable, Sendable, CustomStringConvertible {
    /// Where the shows play.
    public enum Place: Hashable, Sendable {
        case theatre(String)
        case city(String)
    }

    public var place: Place
    /// A local date in the show's city; nil for every date.
    public var date: String?

    public init(place: Place, date: String? = nil) {
        self.place = place
        self.date = date
    }

    public var description: String {
        let base = switch place {
        case .theatre(let id): "theatre \(id)"
        case .city(let id): "city \(id)"
        }
        return date.map { "\(base) on \($0)" } ?? base
    }
}

/// Why a live-feed read found nothing to serve.
public enum LiveSourceError: Error, Sendable, Equatable {
    /// The selector's theatre or city does not exist.
    case unknownPlace(WatchSelector.Place)
}
