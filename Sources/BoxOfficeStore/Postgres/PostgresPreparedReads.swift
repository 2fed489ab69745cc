import PostgresNIO

/// A prepared read (`PostgresConnections.read`) of one column, for one bound value.
protocol OneColumnRead: PostgresPreparedStatement where Row: PostgresDecodable {
    associatedtype Key: PostgresNonThrowingEncodable
    var key: Key { get }
}

extension OneColumnRead {
    func makeBindings() -> PostgresBindings {
        var bindings = PostgresBindings()
        bindings.append(key)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Row.self) }
}

// The reads made on every request, or on every refused lock. Each is one indexed row, so the generic plan PostgreSQL
// keeps for it is the plan it would make for any value.

/// A user's role, if the account is active: read on every authenticated request (API.md: a demotion or deactivation
/// takes effect at once).
struct ActiveRoleRead: OneColumnRead {
    static let sql = "SELECT role FROM users WHERE id = $1 AND isActive"
    typealias Row = String
    /// The user's id.
    let key: String
}

/// A show's durable version (0 for a show nothing was journaled for yet), from the primary key's last entry.
struct DurableVersionRead: OneColumnRead {
    static let sql = "SELECT COALESCE(MAX(version), 0) FROM seatChanges WHERE showId = $1"
    typealias Row = Int64
    /// The show's id.
    let key: String
}
