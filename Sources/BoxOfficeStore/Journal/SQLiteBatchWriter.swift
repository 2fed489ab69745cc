import GRDB
import Logging

/// The SQLite file's journal: group commit over `SQLiteBatchWriter`.
public typealias SQLiteJournal = GroupCommitJournal

extension GroupCommitJournal {
    public init(
        database: BoxOfficeDatabase, logger: Logger, linger: JournalLinger? = nil, onBatch: @escaping @Sendable (Int, Double) -> Void = { _, _ in }
    ) {
        self.init(writer: SQLiteBatchWriter(database: database), logger: logger, linger: linger, onBatch: onBatch)
    }
}

/// One batch in one SQLite transaction (`synchronous=FULL`: one fsync), each entry in a savepoint.
struct SQLiteBatchWriter: BatchWriter {
    let database: BoxOfficeDatabase

    func write(_ batch: [JournalEntry], knownVersions: [String: Int64]) async throws -> BatchOutcome {
        try await database.pool.write { db -> BatchOutcome in
            var versions = knownVersions
            var results = [(any Error)?]()
            results.reserveCapacity(batch.count)
            for entry in batch {
                if let show = entry.show, let version = entry.version {
                    let last = try versions[show] ?? Self.lastVersion(of: show, in: db)
                    guard version == last + 1 else {
                        versions[show] = last
                        results.append(JournalError.predecessorMissing(show: show, version: version))
                        continue
                    }
                    do {
                        try db.inSavepoint {
                            try SQLiteJournalWrites.apply(entry, in: db)
                            return .commit
                        }
                        versions[show] = version
                        results.append(nil)
                    } catch {
                        versions[show] = last
                        results.append(error)
                    }
                } else {
                    do {
                        try db.inSavepoint {
                            try SQLiteJournalWrites.apply(entry, in: db)
                            return .commit
                        }
                        results.append(nil)
                    } catch {
                        results.append(error)
                    }
                }
            }
            return BatchOutcome(results: results, versions: versions)
        }
    }

    static func lastVersion(of show: String, in db: Database) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT MAX(version) FROM seatChanges WHERE showId = ?", arguments: [show]) ?? 0
    }
}
