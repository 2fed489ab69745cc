import Foundation
import PostgresNIO

/// Values the nodes of one database share, in the `settings` table.
extension PostgresDatabase {
    /// The JWT signing secret kept in the database: made (48 random bytes, base64) by the first caller, the stored one
    /// for every caller after, also when several nodes start at once.
    public func jwtSecret() async throws -> String {
        try await storedSetting("jwtSecret", firstValue: Self.randomSecret())
    }

    /// The value of `key`, storing `firstValue` when there is none yet.
    ///
    /// `INSERT … ON CONFLICT DO NOTHING`, then a read: when two callers insert at once, the unique key makes the second
    /// wait for the first's commit and then insert nothing, so both read the first's value. Each statement commits on
    /// its own; the read comes after the insert committed, so it always finds a row.
    func storedSetting(_ key: String, firstValue: String) async throws -> String {
        try await connections.execute("INSERT INTO settings (key, value) VALUES (\(key), \(firstValue)) ON CONFLICT (key) DO NOTHING", logger: logger)
        let rows = try await connections.query("SELECT value FROM settings WHERE key = \(key)", logger: logger)
        for try await value in rows.decode(String.self) { return value }
        throw MissingSetting(key: key)
    }

    private static func randomSecret() -> String {
        var generator = SystemRandomNumberGenerator()
        return Data((0..<48).map { _ in UInt8.random(in: .min ... .max, using: &generator) }).base64EncodedString()
    }
}

/// A setting vanished between its insert and its read: someone deleted it by hand.
struct MissingSetting: Error, CustomStringConvertible {
    let key: String
    var description: String { "the setting \(key) was deleted while it was being read" }
}
