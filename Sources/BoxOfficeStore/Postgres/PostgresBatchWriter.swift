import Logging
import PostgresNIO

extension GroupCommitJournal {
    /// The PostgreSQL journal: group commit over `PostgresBatchWriter`, one transaction (one WAL flush with
    /// `synchronous_commit=on`) per batch.
    public init(postgres database: PostgresDatabase, logger: Logger, onBatch: @escaping @Sendable (Int, Double) -> Void = { _, _ in }) {
        self.init(writer: PostgresBatchWriter(client: database.client, logger: logger), logger: logger, onBatch: onBatch)
    }
}

/// One batch in one PostgreSQL transaction, each entry in a savepoint (an error aborts a PostgreSQL transaction
/// until it is rolled back to the savepoint, so a failing entry still fails alone).
struct PostgresBatchWriter: BatchWriter {
    let client: PostgresClient
    let logger: Logger

    func write(_ batch: [JournalEntry], knownVersions: [String: Int64]) async throws -> BatchOutcome {
        try await client.withTransaction(logger: logger) { connection in
            let writes = PostgresJournalWrites(connection: connection, logger: logger)
            var versions = knownVersions
            var results = [(any Error)?]()
            results.reserveCapacity(batch.count)
            for entry in batch {
                var last: Int64?
                if let show = entry.show, let version = entry.version {
                    var durable = versions[show] ?? 0
                    if versions[show] == nil { durable = try await writes.lastVersion(of: show) }
                    last = durable
                    guard version == durable + 1 else {
                        versions[show] = durable
                        results.append(JournalError.predecessorMissing(show: show, version: version))
                        continue
                    }
                }
                try await writes.run("SAVEPOINT entry")
                do {
                    try await writes.apply(entry)
                    try await writes.run("RELEASE SAVEPOINT entry")
                    if let show = entry.show { versions[show] = entry.version }
                    results.append(nil)
                } catch {
                    // If even this fails the connection is gone, and the whole transaction fails with it.
                    try await writes.run("ROLLBACK TO SAVEPOINT entry")
                    if let show = entry.show, let last { versions[show] = last }
                    results.append(error)
                }
            }
            return BatchOutcome(results: results, versions: versions)
        }
    }
}
