import PostgresNIO
import _ConnectionPoolModule

/// What a postgres-nio error says, read through the wrappers it comes in (a failed transaction wraps the statement's error).
public enum PostgresFailure {
    /// The server's SQLSTATE (`23505` unique violation, `23001` restrict violation, …), or nil when the server said nothing.
    public static func sqlState(_ error: any Error) -> String? {
        serverError(error)?.serverInfo?[.sqlState]
    }

    /// True when the database, not the request, is at fault: it cannot be reached, closed the connection, is shutting
    /// down or starting, is out of disk or memory, or became read-only. Nothing the request asked for was done (or, for
    /// a lost `COMMIT`, the journal finds out which — see `PostgresBatchWriter`), and a retry may succeed once it is back.
    public static func isUnavailable(_ error: any Error) -> Bool {
        if error is PostgresUnreachable || error is ConnectionPoolError || error is WorkOverran { return true }
        guard let error = underlying(error) as? PSQLError else { return underlying(error) is ConnectionPoolError || underlying(error) is PostgresUnreachable }
        switch error.code {
        case .serverClosedConnection, .clientClosedConnection, .connectionError, .uncleanShutdown, .poolClosed:
            return true
        case .server:
            guard let state = error.serverInfo?[.sqlState] else { return false }
            return unavailableStates.contains(state) || unavailableClasses.contains(String(state.prefix(2)))
        default:
            return false
        }
    }

    /// Connection exceptions (08), insufficient resources — disk full, out of memory, too many connections (53),
    /// operator intervention — shutting down, crashed, starting (57), system errors — I/O (58).
    private static let unavailableClasses: Set<String> = ["08", "53", "57", "58"]
    /// A read-only transaction: the server is a standby, or was made read-only.
    private static let unavailableStates: Set<String> = ["25006"]

    /// True for postgres-nio's own errors (which describe themselves generically).
    static func isPostgresError(_ error: any Error) -> Bool { underlying(error) is PSQLError }

    /// One line for a log or a start-up failure: the server's message when it sent one, else the connection's failure.
    /// `PSQLError`'s own description is deliberately generic (it may hold query data), so it is not used.
    static func reason(_ error: any Error) -> String {
        if let unknown = error as? CommitOutcomeUnknown { return "the answer to COMMIT was lost: \(reason(unknown.cause))" }
        if let server = serverError(error), let info = server.serverInfo, let message = info[.message] {
            return "\(message) (SQLSTATE \(info[.sqlState] ?? "?"))"
        }
        if let error = underlying(error) as? PSQLError {
            if let cause = error.underlying { return "\(error.code): \(cause)" }
            return "\(error.code)"
        }
        return "\(underlying(error))"
    }

    private static func serverError(_ error: any Error) -> PSQLError? {
        guard let error = underlying(error) as? PSQLError, error.code == .server else { return nil }
        return error
    }

    /// The statement's error inside a transaction's wrapper.
    private static func underlying(_ error: any Error) -> any Error {
        guard let transaction = error as? PostgresTransactionError else { return error }
        return transaction.closureError ?? transaction.commitError ?? transaction.beginError ?? transaction.rollbackError ?? error
    }
}
