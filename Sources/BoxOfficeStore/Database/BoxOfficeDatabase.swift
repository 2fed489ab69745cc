import Foundation
import GRDB

/// How hard SQLite works to keep a commit on disk.
public enum Durability: String, Sendable, CaseIterable {
    /// fsync on every commit: an acknowledged booking survives power loss (the default).
    case full
    /// fsync at checkpoints only: survives a process crash, may lose the last commits on power loss.
    case normal
}

/// The SQLite file: a WAL-mode pool (many readers, one writer), migrated on open.
public final class BoxOfficeDatabase: Sendable {
    /// The GRDB pool; only code in this module runs SQL on it.
    public let pool: DatabasePool
    public let path: String

    /// Opens (creating if needed) the database at `path` and applies every migration.
    public init(path: String, durability: Durability = .full) throws {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = \(durability == .full ? "FULL" : "NORMAL")")
        }
        self.path = path
        // Password hashes and personal data: a new file is its owner's only (SQLite gives its WAL the same mode).
        _ = try? OwnerOnlyFile.create(at: path)
        self.pool = try DatabasePool(path: path, configuration: configuration)
        try Migrations.migrator.migrate(pool)
    }

    /// Opens an existing database read-only, without migrating it: for checks that must not change a file another
    /// process (of perhaps another version) is serving. Throws unless its schema is exactly this version's.
    public init(readingExisting path: String) throws {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(10)
        self.path = path
        self.pool = try DatabasePool(path: path, configuration: configuration)
        let migrator = Migrations.migrator
        let current = try pool.read { db in try migrator.hasCompletedMigrations(db) && !migrator.hasBeenSuperseded(db) }
        guard current else { throw SchemaMismatch(path: path) }
    }

    /// True when a trivial read succeeds: the file is reachable.
    public func isReachable() async -> Bool {
        do {
            return try await pool.read { db in try Int.fetchOne(db, sql: "SELECT 1") == 1 }
        } catch {
            return false
        }
    }

    /// The names of the migrations applied, oldest first.
    public func appliedMigrations() throws -> [String] {
        try pool.read { db in try Migrations.migrator.appliedMigrations(db) }
    }
}

extension BoxOfficeDatabase {
    /// Copies the database into a new file with SQLite's online backup; safe while the server writes.
    /// The copy is readable by its owner only (mode 0600), like the JWT secret: it holds password hashes and personal data.
    public func backup(to file: String) throws {
        guard try OwnerOnlyFile.create(at: file) else { throw BackupError.targetExists(file) }
        let target = try DatabaseQueue(path: file)
        try pool.backup(to: target)
        try target.close()
    }
}

/// Why a backup was not made.
public enum BackupError: Error, CustomStringConvertible {
    case targetExists(String)

    public var description: String {
        switch self {
        case .targetExists(let file): "\(file) exists; a backup never overwrites a file"
        }
    }
}

/// The database was written by another version of BoxOffice: check it with that version's binary.
public struct SchemaMismatch: Error, CustomStringConvertible {
    public let path: String

    public var description: String { "\(path) has another schema version than this binary; use the binary that serves it" }
}
