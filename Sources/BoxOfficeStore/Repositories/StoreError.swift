import GRDB

/// What the store reports when a write breaks a rule the schema enforces.
public enum StoreError: Error, Sendable, Equatable {
    /// A unique value is already taken (e.g. an email, a city name).
    case duplicate(field: String)
    /// A row this write refers to does not exist.
    case missingReference(String)
}

extension StoreError {
    /// Runs a write, turning SQLite's constraint errors into `StoreError` so the edge can answer 409, not 500.
    static func mapping<T>(uniqueField: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE
            || error.extendedResultCode == .SQLITE_CONSTRAINT_PRIMARYKEY
        {
            throw StoreError.duplicate(field: uniqueField)
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_FOREIGNKEY {
            throw StoreError.missingReference(error.message ?? "foreign key")
        }
    }
}
