import PostgresNIO

/// What a postgres-nio error says, read through the wrappers it comes in (a failed transaction wraps the statement's error).
public enum PostgresFailure {
    /// The server's SQLSTATE (`23505` unique violation, `23001` restrict violation, …), or nil when the server said nothing.
    public static func sqlState(_ error: any Error) -> String? {
        serverError(error)?.serverInfo?[.sqlState]
    }

    /// One line for a log or a start-up failure: the server's message when it sent one, else the connection's failure.
    /// `PSQLError`'s own description is deliberately generic (it may hold query data), so it is not used.
    static func reason(_ error: any Error) -> String {
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
