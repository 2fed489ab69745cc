import Foundation
import PostgresNIO

/// A prepared read (`PostgresConnections.read`) for one bound value. A read of one column decodes it as `Row`.
protocol OneKeyRead: PostgresPreparedStatement {
    associatedtype Key: PostgresNonThrowingEncodable
    var key: Key { get }
}

extension OneKeyRead {
    func makeBindings() -> PostgresBindings {
        var bindings = PostgresBindings()
        bindings.append(key)
        return bindings
    }
}

extension OneKeyRead where Row: PostgresDecodable {
    func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Row.self) }
}

// The reads made on every request, on every refused lock, and on every load of a show. Each is driven by a primary key,
// so the generic plan PostgreSQL keeps for it is the plan it would make for any value.

/// A user's role, if the account is active: read on every authenticated request (API.md: a demotion or deactivation
/// takes effect at once).
struct ActiveRoleRead: OneKeyRead {
    static let sql = "SELECT role FROM users WHERE id = $1 AND isActive"
    typealias Row = String
    /// The user's id.
    let key: String
}

/// A show's durable version (0 for a show nothing was journaled for yet), from the primary key's last entry.
struct DurableVersionRead: OneKeyRead {
    static let sql = "SELECT COALESCE(MAX(version), 0) FROM seatChanges WHERE showId = $1"
    typealias Row = Int64
    /// The show's id.
    let key: String
}

/// A show's held and booked seats, each with its booking: what a copy of the show is loaded from. A row is the seat, its
/// state, and the booking's id, user, expiry and start.
struct TakenSeatsRead: OneKeyRead {
    static let sql = """
        SELECT s.seatNumber, s.state, b.id, b.userId, b.expiresAt, COALESCE(b.holdStartedAt, b.createdAt) FROM bookingSeats s
        JOIN bookings b ON b.id = s.bookingId WHERE s.showId = $1 AND s.state IN ('held', 'booked')
        """
    typealias Row = (String, String, String, String, Date, Date)
    /// The show's id.
    let key: String

    func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Row.self) }
}
