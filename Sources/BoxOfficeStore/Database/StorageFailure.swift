import GRDB

/// Failures of the storage under the stores, as opposed to a bad request: SQLite's file is full, read-only,
/// unreadable or busy; PostgreSQL cannot be reached, went away, or is out of disk. Nothing was written, and the same
/// request may succeed once the storage recovers, so the edge answers these 503, not 500.
public enum StorageFailure {
    /// True when `error` says the storage, not the request, is at fault.
    public static func isStorageFailure(_ error: any Error) -> Bool {
        if PostgresFailure.isUnavailable(error) { return true }
        guard let error = error as? DatabaseError else { return false }
        switch error.resultCode {
        case .SQLITE_FULL, .SQLITE_IOERR, .SQLITE_READONLY, .SQLITE_CANTOPEN, .SQLITE_BUSY, .SQLITE_LOCKED:
            return true
        default:
            return false
        }
    }

    /// One line for a log: PostgreSQL's own message and SQLSTATE (its errors describe themselves generically, so as not
    /// to leak query data), else the error as it describes itself.
    public static func reason(_ error: any Error) -> String {
        PostgresFailure.isPostgresError(error) ? PostgresFailure.reason(error) : "\(error)"
    }
}
