import BoxOfficeStore
import SeatEngine

/// Where the catalog reads one show's live seat statuses: the seat engine (`BookingService`), so the catalog does not
/// depend on the engine's actors.
public protocol SeatStatusSource: Sendable {
    /// The show's version and the status of each seat that is not available.
    func seatStatuses(of show: Show) async throws -> (version: Int64, taken: [String: SeatStatus])
    /// The show's last durable version (cheaper than its statuses).
    func version(of show: Show) async throws -> Int64
}
