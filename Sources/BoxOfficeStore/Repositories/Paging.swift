import Foundation
import GRDB

/// Keyset pagination over `(key, id)`: stable under inserts, one index range per page.
enum Paging {
    /// Cursor keys for dates are their Unix time with milliseconds, so they round-trip exactly.
    static func key(_ date: Date) -> String {
        String(format: "%.3f", date.timeIntervalSince1970)
    }

    static func date(fromKey key: String) -> Date? {
        Double(key).map { Date(timeIntervalSince1970: $0) }
    }

    /// Reads `limit + 1` rows to learn whether another page exists.
    static func page<Item: Sendable & Encodable>(
        _ rows: [Item], limit: Int, cursor: (Item) -> Cursor
    ) -> Page<Item> {
        guard rows.count > limit else { return Page(items: rows, nextCursor: nil) }
        let items = Array(rows.prefix(limit))
        return Page(items: items, nextCursor: items.last.map { cursor($0).encoded })
    }

    /// `(column, id) > (key, id)` for a text sort key.
    static func after(_ cursor: Cursor?, column: String) -> SQL? {
        guard let cursor else { return nil }
        return "(\(sql: column) > \(cursor.key) OR (\(sql: column) = \(cursor.key) AND id > \(cursor.id)))"
    }

    /// `(column, id) > (date, id)` for a date sort key.
    static func after(_ cursor: Cursor?, dateColumn column: String) throws -> SQL? {
        guard let cursor else { return nil }
        guard let date = date(fromKey: cursor.key) else { throw PagingError.badCursor }
        return "(\(sql: column) > \(date) OR (\(sql: column) = \(date) AND id > \(cursor.id)))"
    }
}

/// A cursor that parsed but does not fit the list it was sent to.
public enum PagingError: Error, Sendable {
    case badCursor
}
