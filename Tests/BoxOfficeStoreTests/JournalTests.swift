import BoxOfficeStore
import Foundation
import GRDB
import Logging
import SeatEngine
import Synchronization
import Testing

/// Counts the journal's batches (its metrics hook), for asserting group commit.
final class BatchCounter: Sendable {
    let batches = Atomic<Int>(0)
    let entries = Atomic<Int>(0)
}

@Suite("The journal writer")
struct JournalTests {
    private func change(_ show: String, _ version: Int64) -> SeatChange {
        SeatChange(show: show, version: version, cause: .lock, seats: [SeatUpdate(seat: "A1", status: .held)], at: Date())
    }

    @Test("200 concurrent appends are group-committed in far fewer transactions, and every one is on disk")
    func groupCommit() async throws {
        let database = try temporaryDatabase()
        let counter = BatchCounter()
        let journal = SQLiteJournal(database: database, logger: Logger(label: "test")) { size, _ in
            counter.batches.add(1, ordering: .relaxed)
            counter.entries.add(size, ordering: .relaxed)
        }
        let runner = Task { await journal.run() }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<200 {
                let change = change("show-\(index % 20)", Int64(index / 20 + 1))
                group.addTask {
                    // Versions of one show must arrive in order; give later ones a head start of zero but retry if early.
                    while true {
                        do {
                            try await journal.append(JournalEntry(.seatChange(change, nil)))
                            return
                        } catch JournalError.predecessorMissing {
                            try await Task.sleep(for: .milliseconds(1))
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        let rows = try await database.pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM seatChanges") }
        #expect(rows == 200)
        let batches = counter.batches.load(ordering: .relaxed)
        #expect(batches < 200, "group commit: \(batches) transactions for 200 committed changes (plus refused early ones)")
        runner.cancel()
        await runner.value
    }

    @Test("a version whose predecessor is not durable is refused; a failing entry fails alone")
    func ordering() async throws {
        let database = try temporaryDatabase()
        let journal = SQLiteJournal(database: database, logger: Logger(label: "test"))
        let runner = Task { await journal.run() }
        let second = change("s", 2)
        await #expect(throws: JournalError.predecessorMissing(show: "s", version: 2)) {
            try await journal.append(JournalEntry(.seatChange(second, nil)))
        }
        let first = change("s", 1)
        try await journal.append(JournalEntry(.seatChange(first, nil)))
        try await journal.append(JournalEntry(.seatChange(second, nil)))
        // A step that finds its row elsewhere fails alone: no payment "nope" is initiated.
        await #expect(throws: PaymentWriteError.notInitiated("nope")) {
            try await journal.append(JournalEntry(.payment(.chargeStarted(payment: "nope", at: Date()))))
        }
        let versions = try await database.pool.read { db in try Int.fetchAll(db, sql: "SELECT version FROM seatChanges ORDER BY version") }
        #expect(versions == [1, 2])
        // The journal table refuses edits.
        await #expect(throws: DatabaseError.self) {
            try await database.pool.write { db in try db.execute(sql: "DELETE FROM seatChanges") }
        }
        runner.cancel()
        await runner.value
    }
}

@Suite("Idempotent answers on disk")
struct IdempotentAnswerStoreTests {
    @Test("purging deletes the answers whose 24 h are over and keeps the others")
    func purge() async throws {
        let database = try temporaryDatabase()
        let journal = SQLiteJournal(database: database, logger: Logger(label: "test"))
        let runner = Task { await journal.run() }
        let now = Date()
        for (key, age) in [("old", 25.0), ("edge", 24.0), ("young", 23.0), ("new", 0.0)] {
            let claim = IdempotencyClaim(userId: "usr_1", key: key, requestHash: "h", createdAt: now.addingTimeInterval(-age * 3600))
            try await journal.append(JournalEntry(.answer(claim.answer(status: 201, body: Data("{}".utf8)))))
        }
        try await journal.append(JournalEntry(.purgeAnswers(expiredBy: now)))
        let kept = try await database.pool.read { db in try String.fetchAll(db, sql: "SELECT key FROM idempotencyKeys ORDER BY key") }
        #expect(kept == ["new", "young"])
        runner.cancel()
        await runner.value
    }
}
