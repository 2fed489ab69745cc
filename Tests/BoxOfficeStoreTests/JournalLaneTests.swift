@testable import BoxOfficeStore
import Foundation
import Logging
import SeatEngine
import Testing

/// The door's lane in the journal writer: an admission queued behind sales is committed before them, alone.
@Suite("The journal's first lane")
struct JournalLaneTests {
    func sale(_ version: Int64) -> JournalEntry {
        JournalEntry(.seatChange(SeatChange(show: "s", version: version, cause: .lock, seats: [SeatUpdate(seat: "A\(version)", status: .held)], at: Date()), nil))
    }

    func until(_ condition: () async -> Bool) async throws {
        for _ in 0..<500 where !(await condition()) { try await Task.sleep(for: .milliseconds(2)) }
        #expect(await condition())
    }

    @Test("an admission queued behind sales is written next, in a transaction of its own; the sales follow together")
    func admissionGoesFirst() async throws {
        let writer = RecordingBatchWriter()
        let journal = GroupCommitJournal(writer: writer, logger: Logger(label: "test"))
        let runner = Task { await journal.run() }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await journal.append(sale(1)) }
            try await until { await writer.holding }
            group.addTask { try await journal.append(sale(2)) }
            try await until { await journal.waiting == 1 }
            group.addTask { try await journal.append(sale(3)) }
            try await until { await journal.waiting == 2 }
            group.addTask { try await journal.append(JournalEntry(.admission("bkg-door", at: Date()))) }
            try await until { await journal.waiting == 3 }
            await writer.release()
            try await group.waitForAll()
        }
        #expect(await writer.batches == [["sale 1"], ["admit bkg-door"], ["sale 2", "sale 3"]])
        runner.cancel()
        await runner.value
    }

    @Test("with nothing else queued, an admission is written like any entry")
    func admissionAlone() async throws {
        let writer = RecordingBatchWriter()
        await writer.release()
        let journal = GroupCommitJournal(writer: writer, logger: Logger(label: "test"))
        let runner = Task { await journal.run() }
        try await journal.append(JournalEntry(.admission("bkg-1", at: Date())))
        try await journal.append(sale(1))
        #expect(await writer.batches == [["admit bkg-1"], ["sale 1"]])
        runner.cancel()
        await runner.value
    }
}
