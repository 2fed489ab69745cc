@testable import BoxOfficeStore
import Foundation
import Logging
import SeatEngine
import Testing

/// What the journal writer keeps per copy of a show, and per show, goes when the copy does (`GroupCommitJournal.retire`)
/// — even when the copy goes while a batch of another show is being written.
@Suite("The journal's retire")
struct JournalRetireTests {
    /// A store's writer that answers as the real ones do (each show's version from the map it is given, moved on by the
    /// batch's changes) and holds the batches after the first until released.
    actor GatedWriter: BatchWriter {
        private var written = 0
        private var gate: CheckedContinuation<Void, Never>?

        func write(_ batch: [JournalEntry], knownVersions: [String: Int64]) async throws -> BatchOutcome {
            written += 1
            if written > 1 { await withCheckedContinuation { gate = $0 } }
            var versions = knownVersions
            for entry in batch {
                if let show = entry.show, let version = entry.version { versions[show] = version }
            }
            return BatchOutcome(results: batch.map { _ in nil }, versions: versions)
        }

        var holding: Bool { gate != nil }

        func release() {
            gate?.resume()
            gate = nil
        }
    }

    func change(_ show: String, by writer: UUID) -> JournalEntry {
        var entry = JournalEntry(.seatChange(SeatChange(show: show, version: 1, cause: .lock, seats: [SeatUpdate(seat: "A1", status: .held)], at: Date()), nil))
        entry.lineage = ChangeLineage(writer: writer, base: 0)
        return entry
    }

    @Test("a copy retired while another show's batch is out stays forgotten when that batch returns")
    func retiredDuringBatch() async throws {
        let writer = GatedWriter()
        let journal = GroupCommitJournal(writer: writer, logger: Logger(label: "test"))
        let runner = Task { await journal.run() }
        let (first, second) = (UUID(), UUID())
        try await journal.append(change("show-a", by: first))
        #expect(await journal.kept == (1, 1))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await journal.append(change("show-b", by: second)) }
            for _ in 0..<500 where !(await writer.holding) { try await Task.sleep(for: .milliseconds(2)) }
            #expect(await writer.holding)
            await journal.retire(first, of: "show-a")
            let afterRetire = await journal.kept
            #expect(afterRetire == (0, 0), "\(afterRetire)")
            await writer.release()
            try await group.waitForAll()
        }
        #expect(await journal.kept == (1, 1), "show-b's copy and version; show-a's stay forgotten")
        runner.cancel()
        await runner.value
    }
}
