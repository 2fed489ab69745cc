@testable import BoxOfficeStore
import Foundation
import Logging
import SeatEngine
import Testing

/// The journal writer's linger (`JournalLinger`): a busy writer lets a small batch grow before committing it; an idle
/// one commits at once.
@Suite("The journal's linger", .timeLimit(.minutes(1)))
struct JournalLingerTests {
    /// An entry with no show (so no version rules): an idempotent answer named `key`.
    func entry(_ key: String) -> JournalEntry {
        JournalEntry(.answer(IdempotentAnswer(userId: "u", key: key, requestHash: "h", status: 201, body: Data(), createdAt: Date(), expiresAt: Date())))
    }

    func until(_ condition: () async -> Bool) async throws {
        for _ in 0..<2_500 where !(await condition()) { try await Task.sleep(for: .milliseconds(2)) }
        #expect(await condition())
    }

    /// A journal lingering up to `wait` for 8 entries, its writer held on the first batch (`e1`) with `queued` entries
    /// behind it, then released: the writer is busy, so the next batch waits. Runs `body` while it waits; returns the
    /// batches the writer was given once every append returned, and how long that took after the wait began.
    func lingering(
        wait: Duration, queued: Int, _ body: (GroupCommitJournal, RecordingBatchWriter, inout ThrowingTaskGroup<Void, any Error>) async throws -> Void
    ) async throws -> (batches: [[String]], after: Duration) {
        let writer = RecordingBatchWriter()
        let journal = GroupCommitJournal(writer: writer, logger: Logger(label: "test"), linger: JournalLinger(wait: wait, fewerThan: 8))
        let runner = Task { await journal.run() }
        var began = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await journal.append(entry("e1")) }
            try await until { await writer.holding }
            for index in 2..<(2 + queued) {
                group.addTask { try await journal.append(entry("e\(index)")) }
                try await until { await journal.waiting == index - 1 }
            }
            await writer.release()
            try await until { await journal.isLingering }
            began = ContinuousClock.now
            try await body(journal, writer, &group)
            try await group.waitForAll()
        }
        let after = ContinuousClock.now - began
        runner.cancel()
        await runner.value
        return (await writer.batches, after)
    }

    /// Far longer than any test here takes (their limit is a minute): a wait that ends sooner was ended early.
    static let longWait: Duration = .seconds(300)

    @Test("an idle writer commits a lone entry at once, however long the linger")
    func idleCommitsAtOnce() async throws {
        let writer = RecordingBatchWriter()
        await writer.release()
        let journal = GroupCommitJournal(writer: writer, logger: Logger(label: "test"), linger: JournalLinger(wait: Self.longWait, fewerThan: 8))
        let runner = Task { await journal.run() }
        let started = ContinuousClock.now
        try await journal.append(entry("alone"))
        #expect(ContinuousClock.now - started < .seconds(10), "it did not wait for the linger")
        #expect(await journal.isLingering == false)
        #expect(await writer.batches == [["alone"]])
        runner.cancel()
        await runner.value
    }

    @Test("a busy writer's small batch waits, and is committed once 8 entries wait")
    func busyBatchGrows() async throws {
        let (batches, after) = try await lingering(wait: Self.longWait, queued: 2) { journal, writer, group in
            #expect(await writer.batches == [["e1"]], "e2 and e3 wait for more")
            for index in 4...8 {
                group.addTask { try await journal.append(entry("e\(index)")) }
                try await until { await journal.waiting == index - 1 }
            }
            #expect(await writer.batches == [["e1"]], "7 wait")
            group.addTask { try await journal.append(entry("e9")) }  // the eighth
        }
        #expect(batches == [["e1"], (2...9).map { "e\($0)" }])
        #expect(after < .seconds(30), "the eighth entry ended the wait")
    }

    @Test("a busy writer's small batch is committed when the linger ends")
    func lingerEnds() async throws {
        let (batches, _) = try await lingering(wait: .seconds(1), queued: 2) { _, _, _ in }
        #expect(batches == [["e1"], ["e2", "e3"]])
    }

    @Test("an entry that goes first ends the wait: it is committed alone, then the batch without waiting again")
    func goesFirstEndsTheWait() async throws {
        let (batches, after) = try await lingering(wait: Self.longWait, queued: 2) { journal, _, group in
            group.addTask { try await journal.append(JournalEntry(.admission("bkg-door", at: Date()))) }
        }
        #expect(batches == [["e1"], ["admit bkg-door"], ["e2", "e3"]])
        #expect(after < .seconds(30), "the admission ended the wait, and the sales did not wait again")
    }

    @Test("a journal stopped while its batch waits commits the batch")
    func stopEndsTheWait() async throws {
        let writer = RecordingBatchWriter()
        let journal = GroupCommitJournal(writer: writer, logger: Logger(label: "test"), linger: JournalLinger(wait: Self.longWait, fewerThan: 8))
        let runner = Task { await journal.run() }
        var stopped = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await journal.append(entry("e1")) }
            try await until { await writer.holding }
            group.addTask { try await journal.append(entry("e2")) }
            try await until { await journal.waiting == 1 }
            await writer.release()
            try await until { await journal.isLingering }
            stopped = ContinuousClock.now
            runner.cancel()
            try await group.waitForAll()
        }
        await runner.value
        #expect(ContinuousClock.now - stopped < .seconds(30), "stopping ended the wait")
        #expect(await writer.batches == [["e1"], ["e2"]])
        await #expect(throws: JournalError.stopped) { try await journal.append(entry("late")) }
    }
}
