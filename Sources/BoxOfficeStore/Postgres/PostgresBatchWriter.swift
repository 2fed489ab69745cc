import Foundation
import Logging
import PostgresNIO
import SeatEngine
import Synchronization

extension GroupCommitJournal {
    /// The PostgreSQL journal: group commit over `PostgresBatchWriter`, one transaction (one WAL flush with
    /// `synchronous_commit=on`) per batch.
    public init(
        postgres database: PostgresDatabase, logger: Logger, linger: JournalLinger? = .postgres,
        onBatch: @escaping @Sendable (Int, Double) -> Void = { _, _ in }
    ) {
        self.init(writer: PostgresBatchWriter(database: database, logger: logger), logger: logger, linger: linger, onBatch: onBatch)
    }
}

/// One batch in one PostgreSQL transaction. Almost every batch is written in a few statements: its runs of locks and
/// releases set-based (`PostgresLockGroup`), the other entries one by one. If a statement fails, the transaction is void
/// (PostgreSQL aborts it): it is rolled back and the batch written again with each entry in a savepoint, so a failing
/// entry fails alone.
///
/// If the connection breaks after `COMMIT` was sent, or the server ends the session in answer to it, the commit may
/// still have happened. Each transaction therefore first inserts a marker row (`journalCommits`) and learns its own
/// transaction id; the writer then asks the server, on fresh connections, as often as it takes until the server
/// answers: the marker is there (committed), or the transaction is over without it (not committed) — see
/// `resolve(_:on:logger:)`. A batch is never reported failed when it committed, nor durable when it did not.
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
                let changes = ShowClaims.candidates(batch)
                do {
                    return try await transaction(on: connection, claiming: changes, commit: commit) { connection, claims in
                        try await apply(batch, knownVersions: knownVersions, claims: claims, on: connection, savepoints: false)
                    }
                } catch is EntryFailed {
                    return try await transaction(on: connection, claiming: changes, commit: commit) { connection, claims in
                        try await apply(batch, knownVersions: knownVersions, claims: claims, on: connection, savepoints: true)
                    }
                }
            }
        } catch let unknown as CommitOutcomeUnknown {
            guard try await committed(unknown.transaction) else { throw unknown.cause }
            return unknown.outcome
        }
    }

    /// `BEGIN`, the transaction's id and its claims (`ShowClaims`), `body`, `COMMIT`; a `COMMIT` that does not answer
    /// success throws `CommitOutcomeUnknown`, and no `COMMIT` is sent once the batch has overrun its time (its caller has
    /// been told it failed).
    private func transaction(
        on connection: PostgresConnection, claiming changes: (shows: [String], versions: [Int64]), commit: CommitGate,
        _ body: (PostgresConnection, ShowClaims) async throws -> BatchOutcome
    ) async throws -> BatchOutcome {
        var transaction = SentTransaction(xid: "", marker: 0)
        let outcome: BatchOutcome
        do {
            var claims = ShowClaims()
            for row in try await begin(on: connection, claiming: changes).rows {
                let (xid, marker, show, claimed, version) = try row.decode((String, Int64, String?, Bool?, Int64?).self)
                transaction = SentTransaction(xid: xid, marker: marker)
                if let show, let version { claims.add(show, claimed: claimed, version: version) }
            }
            outcome = try await body(connection, claims)
        } catch {
            try? await run("ROLLBACK", on: connection)
            throw error
        }
        guard commit.send(transaction, outcome: outcome) else {
            try? await run("ROLLBACK", on: connection)
            throw WorkOverran()
        }
        do {
            try await run("COMMIT", on: connection)
        } catch {
            // Even an answer from the server does not settle it: a server being stopped ends its sessions with FATAL
            // 57P01, and a session can be ended that way right after its commit became durable. Ask what happened.
            throw CommitOutcomeUnknown(transaction: transaction, outcome: outcome, cause: error)
        }
        return outcome
    }

    /// `BEGIN`, then the claims statement: the marker, then for each show its durable version and, when one of the batch's
    /// changes of it follows that version, a transaction-scoped advisory lock on it, tried (never waited for). A batch
    /// claims no show it holds only out-of-date changes of: it would keep a current writer out for nothing.
    ///
    /// Both are handed to the connection at once, and this task wakes once, when the claims are answered, not once for
    /// each (docs/BENCHMARKS.md, session 14: one node's locks a few percent faster). They are written on the
    /// connection's event loop, where it is closed: a connection found open there still has postgres-nio's handler,
    /// which answers or fails each statement (a statement written to a connection whose handler is gone is dropped
    /// unanswered). The claims statement is sent only after `BEGIN`, on the same connection, so it runs in the
    /// transaction; a `BEGIN` that failed fails this (had it, the claims ran on their own and ended: a marker no
    /// transaction names, its locks gone).
    func begin(on connection: PostgresConnection, claiming changes: (shows: [String], versions: [Int64])) async throws -> PostgresQueryResult {
        let claims: PostgresQuery = """
            WITH marker AS (INSERT INTO journalCommits DEFAULT VALUES RETURNING pg_current_xact_id()::text AS xid, id),
                 wanted AS (
                     SELECT e.showId, array_agg(e.version) AS versions,
                            (SELECT COALESCE(MAX(c.version), 0) FROM seatChanges c WHERE c.showId = e.showId) AS durable
                     FROM unnest(\(changes.shows)::text[], \(changes.versions)::bigint[]) AS e(showId, version) GROUP BY e.showId)
            SELECT marker.xid, marker.id, w.showId,
                   CASE WHEN w.durable + 1 = ANY(w.versions)
                        THEN pg_try_advisory_xact_lock(\(ShowClaims.lockSpace), hashtext(w.showId)) END,
                   w.durable
            FROM marker LEFT JOIN wanted w ON true
            """
        let logger = logger
        let eventLoop = connection.eventLoop
        return try await eventLoop.flatSubmit { () -> EventLoopFuture<PostgresQueryResult> in
            guard !connection.isClosed else {
                return eventLoop.makeFailedFuture(PostgresUnreachable(reason: "the connection closed before the batch began"))
            }
            let begun = connection.query(PostgresQuery(unsafeSQL: "BEGIN"), logger: logger)
            let claimed = connection.query(claims, logger: logger)
            return begun.flatMap { _ in claimed }
        }.get()
    }

    /// Whether `transaction` committed, asked on fresh connections until the server answers.
    private func committed(_ transaction: SentTransaction) async throws -> Bool {
        var attempts = 0
        var unconfirmed = 0
        // Only a process being stopped ends this wait unanswered (the sleep throws); the batch is then reported failed,
        // though it may have committed — recovery at the next start reads what did.
        while true {
            do {
                let answer = try await PostgresConnections.bounded(.seconds(3)) { [database, logger] in
                    try await database.withProbeConnection { connection in
                        try await Self.resolve(transaction, on: connection, logger: logger)
                    }
                }
                switch answer {
                case .committed, .notCommitted:
                    logger.notice("learned the outcome of a commit whose answer was lost",
                                  metadata: ["xid": "\(transaction.xid)", "committed": "\(answer == .committed)"])
                    return answer == .committed
                case .inProgress:
                    break
                case .xidCommittedWithoutMarker:
                    // Either the moment between a commit and its rows becoming visible (microseconds), or the id was
                    // given again after a restart to a transaction that is not ours. Two seconds tell them apart.
                    unconfirmed += 1
                    if unconfirmed >= 8 {
                        logger.notice("learned the outcome of a commit whose answer was lost",
                                      metadata: ["xid": "\(transaction.xid)", "committed": "false", "xidReused": "true"])
                        return false
                    }
                }
            } catch {
                attempts += 1
                if attempts % 40 == 1 {
                    logger.error("a commit's answer was lost; waiting for PostgreSQL to say whether it committed", metadata: ["xid": "\(transaction.xid)"])
                }
            }
            try await Task.sleep(for: .milliseconds(250))
        }
    }

    enum Resolution: Equatable, Sendable {
        case committed, notCommitted, inProgress, xidCommittedWithoutMarker
    }

    /// What became of `transaction`, asked once. Its marker row is visible only if it committed. Without the marker it
    /// did not commit — once it is over: its transaction id is no longer in progress (aborted), or is "in the future"
    /// (the server restarted and never made the id durable). The id alone is no proof: after a crash the server may
    /// give an id it never made durable to another transaction, so "committed" without the marker is asked again
    /// (`xidCommittedWithoutMarker`).
    static func resolve(_ transaction: SentTransaction, on connection: PostgresConnection, logger: Logger) async throws -> Resolution {
        let marked = try await connection.query("SELECT EXISTS (SELECT 1 FROM journalCommits WHERE id = \(transaction.marker))", logger: logger)
        for try await exists in marked.decode(Bool.self) where exists { return .committed }
        var status: String?
        do {
            for try await value in try await connection.query("SELECT pg_xact_status(\(transaction.xid)::xid8)", logger: logger).decode(String?.self) {
                status = value
            }
        } catch where PostgresFailure.sqlState(error) == "22023" {
            return .notCommitted  // "transaction ID … is in the future"
        }
        switch status {
        case "in progress": return .inProgress
        case "committed": return .xidCommittedWithoutMarker
        default: return .notCommitted  // "aborted", or so old the server no longer knows (and the marker is not there)
        }
    }

    private func run(_ sql: String, on connection: PostgresConnection) async throws {
        for try await _ in try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger) {}
    }

    /// Writes the batch's entries. With `savepoints`, each in its own, so a failing entry fails alone; without, runs of
    /// locks and releases are written set-based (`PostgresLockGroup`) and the first failing statement throws
    /// `EntryFailed` (the transaction is then void).
    private func apply(
        _ batch: [JournalEntry], knownVersions: [String: Int64], claims: ShowClaims, on connection: PostgresConnection, savepoints: Bool
    ) async throws -> BatchOutcome {
        let writes = PostgresJournalWrites(connection: connection, logger: logger)
        var versions = knownVersions.merging(claims.versions) { _, read in read }
        var results = [(any Error)?]()
        results.reserveCapacity(batch.count)
        // A copy whose change failed in this batch: its later changes here build on that one and fail too, even if
        // another node has made their predecessor's version durable meanwhile.
        var failedWriters = Set<UUID>()
        var run = PostgresLockGroup()
        for entry in batch {
            var result: (any Error)?
            if let writer = entry.lineage?.writer, failedWriters.contains(writer), let show = entry.show, let version = entry.version {
                result = JournalError.predecessorMissing(show: show, version: version)
            } else if let show = entry.show, claims.busy.contains(show) {
                // Another node's batch is writing this show now: this copy cannot be current when that commits.
                result = StaleShow()
            } else if let show = entry.show, let version = entry.version, let taken = claims.taken[show], version <= taken {
                // Unclaimed, all out of date: the version read says so without asking again.
                result = StaleShow()
            } else if let refusal = try await versionRefusal(entry, with: writes, versions: &versions) {
                result = refusal
            } else if !savepoints && PostgresLockGroup.holds(entry) {
                if !run.add(entry) {
                    try await write(&run, with: writes)
                    _ = run.add(entry)
                }
                if let show = entry.show { versions[show] = entry.version }
            } else {
                if !savepoints { try await write(&run, with: writes) }
                result = try await write(entry, with: writes, versions: &versions, savepoints: savepoints)
            }
            if result != nil, let writer = entry.lineage?.writer { failedWriters.insert(writer) }
            results.append(result)
        }
        try await write(&run, with: writes)
        return BatchOutcome(results: results, versions: versions)
    }

    /// Why a seat change cannot follow its show's durable version (nil: it can, or it is no seat change). `versions`
    /// follows each show's durable version.
    private func versionRefusal(
        _ entry: JournalEntry, with writes: PostgresJournalWrites, versions: inout [String: Int64]
    ) async throws -> (any Error)? {
        guard let show = entry.show, let version = entry.version else { return nil }
        var durable: Int64
        if let known = versions[show], known + 1 == version {
            durable = known
        } else if let known = versions[show], known >= version {
            // Durable versions only grow: this one is taken already.
            durable = known
        } else {
            // Not known, or not what the cache expects: another node may have written the show. Ask.
            durable = try await writes.lastVersion(of: show)
        }
        guard version == durable + 1 else {
            versions[show] = durable
            // At or below the durable version: another writer got there first, the actor is out of date.
            return version <= durable ? StaleShow() : JournalError.predecessorMissing(show: show, version: version)
        }
        return nil
    }

    /// Writes a run of locks and releases (without savepoints: a refusal voids the transaction).
    private func write(_ run: inout PostgresLockGroup, with writes: PostgresJournalWrites) async throws {
        do {
            try await run.write(with: writes)
        } catch where !PostgresFailure.isUnavailable(error) {
            throw EntryFailed()
        }
    }

    /// Writes one entry, whose version `versionRefusal` accepted; returns why it failed, or nil.
    private func write(
        _ entry: JournalEntry, with writes: PostgresJournalWrites, versions: inout [String: Int64], savepoints: Bool
    ) async throws -> (any Error)? {
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
            if let show = entry.show, let state = PostgresFailure.sqlState(error), state == "23505" || state == "40P01" {
                // Another node's transaction wrote this version (or a seat) first and committed while ours waited on
                // the unique index — or the two batches waited on each other's rows (they lock shows in another
                // order) and PostgreSQL refused this one to break the deadlock. Either way the copy is reloaded and
                // the change tried again (`BookingService.retryingStale`); read the show's version again next time.
                versions[show] = nil
                return StaleShow()
            }
            if let show = entry.show, let version = entry.version { versions[show] = version - 1 }
            return Self.refusal(error, of: entry)
        }
    }

    /// What the caller of a refused entry hears (its version stays where it was):
    /// - an expiry of a hold another node extended or is charging (`ensureDue`), an extension of an expiry another
    ///   node moved, or an extension whose row lock deadlocked with another node's batch: this copy of the show is out
    ///   of date (`StaleShow`; it is loaded again and the change tried again);
    /// - a cancel, or a lock replacing a hold, while another node charges that hold: `HoldBeingPaid`, as that node's
    ///   own copy refuses it (the hold is pinned there);
    /// - anything else as it was thrown.
    private static func refusal(_ error: any Error, of entry: JournalEntry) -> any Error {
        switch error as? BookingWriteError {
        case .outOfDate?: return StaleShow()
        case .beingPaid?: return HoldBeingPaid()
        default: break
        }
        if case .holdExtended = entry.write, PostgresFailure.sqlState(error) == "40P01" { return StaleShow() }
        return error
    }
}

/// An entry failed in a batch written without savepoints: the transaction is void, write the batch again with them.
private struct EntryFailed: Error {}

/// `COMMIT` was sent but did not answer success: `transaction` may or may not have committed `outcome`.
struct CommitOutcomeUnknown: Error {
    let transaction: SentTransaction
    let outcome: BatchOutcome
    let cause: any Error
}

/// A transaction whose `COMMIT` was sent: its id (`pg_current_xact_id`) and its marker row in `journalCommits`.
struct SentTransaction: Sendable {
    let xid: String
    let marker: Int64
}

/// Whether a batch's `COMMIT` went out before its time was up: exactly one of `send` and `overrun` wins.
private final class CommitGate: Sendable {
    private enum State {
        case working
        case committing(SentTransaction, outcome: BatchOutcome)
        case overran
    }

    private let state = Mutex<State>(.working)

    /// True when `COMMIT` may be sent (the batch has not overrun).
    func send(_ transaction: SentTransaction, outcome: BatchOutcome) -> Bool {
        state.withLock { state in
            guard case .working = state else { return false }
            state = .committing(transaction, outcome: outcome)
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
            case .committing(let transaction, let outcome):
                return CommitOutcomeUnknown(transaction: transaction, outcome: outcome, cause: WorkOverran())
            }
        }
    }
}
