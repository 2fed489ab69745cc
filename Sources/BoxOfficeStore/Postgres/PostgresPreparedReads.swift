import PostgresNIO

/// A prepared read (`PostgresConnections.read`) of one column, for one bound value.
protocol OneColumnRead: PostgresPreparedStatement where Row: PostgresDecodable {
    associatedtype Key: PostgresNonThrowingEncodable
    var key: Key { get }
}

extension OneColumnRead {
    func makeBindings() -> PostgresBindings { bindings }

    private var bindings: PostgresBindings {
        var bindings = PostgresBindings()
        bindings.append(key)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Row.self) }

    /// The same read as a plain query: for a transaction's own connection, where a preparation refused because an
    /// earlier statement voided the transaction would stay refused on that connection (`PostgresConnections.read`).
    var unprepared: PostgresQuery { PostgresQuery(unsafeSQL: Self.sql, binds: bindings) }
}

// The reads made on every request and on every refused lock. Each finds its one row by a primary key, so the generic
// plan PostgreSQL keeps for it is the plan it would make for any value. (A read whose best plan depends on the value,
// such as a show's taken seats, stays a plain query: a generic plan made from a young table's statistics can scan.)

/// A user's role, if the account is active: read on every authenticated request (API.md: a demotion or deactivation
/// takes effect at once). `users_pkey`.
struct ActiveRoleRead: OneColumnRead {
    static let sql = "SELECT role FROM users WHERE id = $1 AND isActive"
    typealias Row = String
    /// The user's id.
    let key: String
}

/// A show's durable version (0 for a show nothing was journaled for yet): the last entry of `seatChanges_pkey`
/// (showId, version) for the show.
struct DurableVersionRead: OneColumnRead {
    static let sql = "SELECT COALESCE(MAX(version), 0) FROM seatChanges WHERE showId = $1"
    typealias Row = Int64
    /// The show's id.
    let key: String
}
