import Foundation
import Logging
import PostgresNIO
import SeatEngine
import Synchronization

extension GroupCommitJournal {
    /// The PostgreSQL journal: group commit over `PostgresBatchWriter`, one transaction (one WAL flush with
    /// `synchronous_commit=on`) per batch.
    public init(postgres database: PostgresDatabase, logger: Logger, onBatch: @escaping @Sendable (Int, Double) -> Void = { _, _ in }) {
        self.init(writer: PostgresBatchWriter(database: database, logger: logger), logger: logger, onBatch: onBatch)
    }
}

/// One batch in one PostgreSQL transaction, each entry in a savepoint (an error aborts a PostgreSQL transaction
/// until it is rolled back to the savepoint, so a failing entry still fails alone).
///
/// If the connection breaks after `COMMIT` was sent, the answer is lost but the commit may have happened. The writer
/// then asks the server, on a fresh connection, what became of the transaction (`pg_xact_status`), as often as it
/// takes until the server answers: a batch is never reported failed when it committed, nor durable when it did not.
/// Meanwhile the database counts as down, so other writes are refused at once.
struct PostgresBatchWriter: BatchWriter {
    let database: PostgresDatabase
    let logger: Logger

    var refusal: (any Error)? { database.connections.refusal }

    func write(_ batch: [JournalEntry], knownVersions: [String: Int64]) async throws -> BatchOutcome {
        let commit = CommitGate()
        do {
            // A batch takes milliseconds; one still running after 5 s while the server does not answer a new connection is
            // stuck on a connection whose server is gone.
            return try await database.connections.withConnection(workLimit: .seconds(5), overrun: { commit.overrun() }) { connection in
                // First without a savepoint per entry (two round trips fewer per entry): almost every batch has no
                // failing entry. If one fails, the transaction is void: roll it back and write the batch again with
                // savepoints, so the failing entry fails alone.
                do {
                    return try await transaction(on: connection, commit: commit) { connection in
                        try await apply(batch, knownVersions: knownVersions, on: connection, savepoints: false)
                    }
                } catch is EntryFailed {
                    return try await transaction(on: connection, commit: commit) { connection in
                        try await apply(batch, knownVersions: knownVersions, on: connection, savepoints: true)
                    }
                }
            }
        } catch let unknown as CommitOutcomeUnknown {
            guard try await committed(unknown.xid) else { throw unknown.cause }
            return unknown.outcome
        }
    }

    /// `BEGIN`, the transaction's id, `body`, `COMMIT`; a `COMMIT` whose answer is lost throws `CommitOutcomeUnknown`,
    /// and no `COMMIT` is sent once the batch has overrun its time (its caller has been told it failed).
    private func transaction(
        on connection: PostgresConnection, commit: CommitGate, _ body: (PostgresConnection) async throws -> BatchOutcome
    ) async throws -> BatchOutcome {
        try await run("BEGIN", on: connection)
        var xid = ""
        let outcome: BatchOutcome
        do {
            for try await id in try await connection.query("SELECT pg_current_xact_id()::text", logger: logger).decode(String.self) { xid = id }
            outcome = try await body(connection)
        } catch {
            try? await run("ROLLBACK", on: connection)
            throw error
        }
        guard commit.send(xid: xid, outcome: outcome) else {
            try? await run("ROLLBACK", on: connection)
            throw WorkOverran()
        }
        do {
            try await run("COMMIT", on: connection)
        } catch where !PostgresFailure.isServerAnswer(error) {
            throw CommitOutcomeUnknown(xid: xid, outcome: outcome, cause: error)
        }
        return outcome
    }

    /// Whether transaction `xid` committed, asked on fresh connections until the server answers.
    private func committed(_ xid: String) async throws -> Bool {
        var attempts = 0
        // Only a process being stopped ends this wait unanswered (the sleep throws); the batch is then reported failed,
        // though it may have committed — recovery at the next start reads what did.
        while true {
            do {
                let status = try await PostgresConnections.bounded(.seconds(3)) { [database, logger] in
                    try await database.withProbeConnection { connection -> String? in
                        for try await status in try await connection.query("SELECT pg_xact_status(\(xid)::xid8)", logger: logger).decode(String?.self) {
                            return status
                        }
                        return nil
                    }
                }
                // "in progress": the server has not finished with it yet.
                if status != "in progress" {
                    logger.notice("learned the outcome of a commit whose answer was lost", metadata: ["xid": "\(xid)", "status": "\(status ?? "unknown")"])
                    return status == "committed"
                }
            } catch {
                attempts += 1
                if attempts % 40 == 1 {
                    logger.error("a commit's answer was lost; waiting for PostgreSQL to say whether it committed", metadata: ["xid": "\(xid)"])
                }
            }
            try await Task.sleep(for: .milliseconds(250))
        }
    }

    private func run(_ sql: String, on connection: PostgresConnection) async throws {
        for try await _ in try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger) {}
    }

    /// Writes the batch's entries. With `savepoints`, each in its own, so a failing entry fails alone; without, the
    /// first failing entry throws `EntryFailed` (the transaction is then void).
    private func apply(
        _ batch: [JournalEntry], knownVersions: [String: Int64], on connection: PostgresConnection, savepoints: Bool
    ) async throws -> BatchOutcome {
        let writes = PostgresJournalWrites(connection: connection, logger: logger)
        var versions = knownVersions
        var results = [(any Error)?]()
        results.reserveCapacity(batch.count)
        // A copy whose change failed in this batch: its later changes here build on that one and fail too, even if
        // another node has made their predecessor's version durable meanwhile.
        var failedWriters = Set<UUID>()
        for entry in batch {
            let result: (any Error)?
            if let writer = entry.lineage?.writer, failedWriters.contains(writer), let show = entry.show, let version = entry.version {
                result = JournalError.predecessorMissing(show: show, version: version)
            } else {
                result = try await write(entry, with: writes, versions: &versions, savepoints: savepoints)
            }
            if result != nil, let writer = entry.lineage?.writer { failedWriters.insert(writer) }
            results.append(result)
        }
        return BatchOutcome(results: results, versions: versions)
    }

    /// Writes one entry; returns why it failed, or nil. `versions` follows each show's durable version.
    private func write(
        _ entry: JournalEntry, with writes: PostgresJournalWrites, versions: inout [String: Int64], savepoints: Bool
    ) async throws -> (any Error)? {
        var last: Int64?
        if let show = entry.show, let version = entry.version {
            var durable: Int64
            if let known = versions[show], known + 1 == version {
                durable = known
            } else {
                // Not known, or not what the cache expects: another node may have written the show. Ask.
                durable = try await writes.lastVersion(of: show)
            }
            last = durable
            guard version == durable + 1 else {
                versions[show] = durable
                // At or below the durable version: another writer got there first, the actor is out of date.
                return version <= durable ? StaleShow() : JournalError.predecessorMissing(show: show, version: version)
            }
        }
        guard savepoints else {
            do {
                try await writes.apply(entry)
            } catch where !PostgresFailure.isUnavailable(error) {
                // Refused by the server, or by a step that found its row elsewhere (`BookingWriteError`).
                throw EntryFailed()
            }
            if let show = entry.show { versions[show] = entry.version }
            return nil
        }
        try await writes.run("SAVEPOINT entry")
        do {
            try await writes.apply(entry)
            try await writes.run("RELEASE SAVEPOINT entry")
            if let show = entry.show { versions[show] = entry.version }
            return nil
        } catch {
            // If even this fails the connection is gone, and the whole transaction fails with it.
            try await writes.run("ROLLBACK TO SAVEPOINT entry")
            if let show = entry.show, PostgresFailure.sqlState(error) == "23505" {
                // Another node's transaction wrote this version (or a seat) first and committed while ours waited on
                // the unique index: read the show's version again next time.
                versions[show] = nil
                return StaleShow()
            }
            if let show = entry.show, let last { versions[show] = last }
            return error
        }
    }
}

/// An entry failed in a batch written without savepoints: the transaction is void, write the batch again with them.
private struct EntryFailed: Error {}

/// The connection broke after `COMMIT` was sent: transaction `xid` may or may not have committed `outcome`.
struct CommitOutcomeUnknown: Error {
    let xid: String
    let outcome: BatchOutcome
    let cause: any Error
}

/// Whether a batch's `COMMIT` went out before its time was up: exactly one of `send` and `overrun` wins.
private final class CommitGate: Sendable {
    private enum State {
        case working
        case committing(xid: String, outcome: BatchOutcome)
        case overran
    }

    private let state = Mutex<State>(.working)

    /// True when `COMMIT` may be sent (the batch has not overrun).
    func send(xid: String, outcome: BatchOutcome) -> Bool {
        state.withLock { state in
            guard case .working = state else { return false }
            state = .committing(xid: xid, outcome: outcome)
            return true
        }
    }

    /// What to tell the caller when time is up: nothing was committed if `COMMIT` was not sent, else the outcome is
    /// unknown until the server says.
    func overrun() -> any Error {
        state.withLock { state in
            switch state {
            case .working, .overran:
                state = .overran
                return WorkOverran()
            case .committing(let xid, let outcome):
                return CommitOutcomeUnknown(xid: xid, outcome: outcome, cause: WorkOverran())
            }
        }
    }
}
