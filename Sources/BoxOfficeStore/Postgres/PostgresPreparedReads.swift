import PostgresNIO

/// The reads made on every request, or on every refused lock, as prepared statements (`PostgresConnections.read`):
/// each is one indexed row, so the generic plan PostgreSQL keeps for it is the plan it would make for any value.

/// A user's role, if the account is active: read on every authenticated request (API.md: a demotion or deactivation
/// takes effect at once).
struct ActiveRoleRead: PostgresPreparedStatement {
    static let sql = "SELECT role FROM users WHERE id = $1 AND isActive"
    typealias Row = String

    let id: String

    func makeBindings() -> PostgresBindings {
        var bindings = PostgresBindings()
        bindings.append(id)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> String { try row.decode(String.self) }
}

/// A show's durable version (0 for a show nothing was journaled for yet), from the primary key's last entry.
struct DurableVersionRead: PostgresPreparedStatement {
    static let sql = "SELECT COALESCE(MAX(version), 0) FROM seatChanges WHERE showId = $1"
    typealias Row = Int64

    let showId: String

    func makeBindings() -> PostgresBindings {
        var bindings = PostgresBindings()
        bindings.append(showId)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> Int64 { try row.decode(Int64.self) }
}
