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
    /// How hard a commit works to reach the disk (`PRAGMA synchronous`), except in `writeRidingNextSync`.
    public let durability: Durability

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
        self.durability = durability
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
        self.durability = .full
        self.pool = try DatabasePool(path: path, configuration: configuration)
        let migrator = Migrations.migrator
        let current = try pool.read { db in try migrator.hasCompletedMigrations(db) && !migrator.hasBeenSuperseded(db) }
        guard current else { throw SchemaMismatch(path: path) }
    }

    /// A write whose loss at a power failure costs only a repeat — the outbox's leases and delivered marks (an email or a
    /// webhook sent again: at least once, as promised) — committed without an fsync of its own (`synchronous=NORMAL`
    /// for this one transaction). In WAL mode its frames precede the next durable commit's, whose fsync takes them to
    /// the disk too; a process crash loses nothing either way (the WAL is in the file system's cache). So the outbox's
    /// bookkeeping no longer adds two fsyncs to every batch of emails, in the writer the journal waits for.
    public func writeRidingNextSync<T: Sendable>(_ updates: @Sendable (Database) throws -> T) async throws -> T {
        guard durability == .full else { return try await pool.write(updates) }
        return try await pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            defer {
                // Back to FULL before this connection commits anything else: every other commit may be a booking's.
                do { try db.execute(sql: "PRAGMA synchronous = FULL") } catch { fatalError("could not restore synchronous=FULL: \(error)") }
            }
            var value: T?
            try db.inTransaction {
                value = try updates(db)
                return .commit
            }
            guard let value else { throw DatabaseError(message: "a transaction committed without its result") }
            return value
        }
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
