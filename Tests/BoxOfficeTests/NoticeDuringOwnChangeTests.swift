import BoxOffice
import BoxOfficeStore
import BoxOfficeTestSupport
import Foundation
import SeatEngine
import Synchronization
import TestDatabases
import Testing

/// A notice that version v of a show was committed can reach a node while its own copy has a change of version v in
/// flight: the notice is either that change's own (heard before its commit's answer) or another node's that took v
/// first — and then this node's change fails. Deciding at once that it was ours left the copy at v − 1 for good, and
/// its readers and subscribers with it (seen in cluster_faults_test after a partition).
@Suite("A seat-change notice heard while this node's own change of that version is in flight")
struct NoticeDuringOwnChangeTests {
    /// The journal, with the next append held until released, then failed or let through.
    final class GatedJournal: Journal {
        let base: any Journal
        private let state = Mutex<(holding: CheckedContinuation<Bool, Never>?, armed: Bool)>((nil, true))

        init(base: any Journal) { self.base = base }

        func append(_ entry: JournalEntry) async throws {
            let pass = await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                let hold = state.withLock { state -> Bool in
                    guard state.armed else { return false }
                    state.armed = false
                    state.holding = continuation
                    return true
                }
                if !hold { continuation.resume(returning: true) }
            }
            guard pass else { throw StoreError.missingReference("held and failed by the test") }
            try await base.append(entry)
        }

        func retire(_ writer: UUID, of show: ShowID) async {
            await base.retire(writer, of: show)
        }

        var holding: Bool { state.withLock { $0.holding != nil } }

        func release(failing: Bool) {
            let waiter = state.withLock { state in
                defer { state.holding = nil }
                return state.holding
            }
            waiter?.resume(returning: !failing)
        }
    }

    func scenario(ownChangeFails: Bool) async throws -> Bool {
        let stores = try Stores.sqlite(path: temporaryDatabasePath(), logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            for service in stores.services { group.addTask { try await service.run() } }
            defer { group.cancelAll() }
            let clock = ManualClock()
            let journal = GatedJournal(base: stores.journal)
            let bookings = BookingService(
                catalog: stores.catalog, bookings: stores.bookings, journal: journal, feed: RecordedFeed(), clock: clock, holdSeconds: 300,
                sharedWriters: true, logger: logger)
            let show = try await onSale(in: stores.catalog, at: clock.now)
            let user = try await AccountService(users: stores.accounts, hasher: PlainHasher(), clock: clock)
                .register(RegisterInput(name: "Ann", email: "ann@example.com", password: "password-123")).id
            let lock = Task { try await bookings.lock(userId: user, LockSeatsInput(showId: show.id, seats: ["A1"])) }
            for _ in 0..<500 where !journal.holding { try await Task.sleep(for: .milliseconds(2)) }
            #expect(journal.holding, "the lock's change (version 1) is in flight")
            let toldLater = Atomic<Bool>(false)
            let elsewhere = await bookings.committedElsewhere(show: show.id, version: 1) { toldLater.store(true, ordering: .relaxed) }
            #expect(!elsewhere, "undecided while the change is in flight: not taken as another node's yet")
            journal.release(failing: ownChangeFails)
            _ = await lock.result
            for _ in 0..<250 where !toldLater.load(ordering: .relaxed) { try await Task.sleep(for: .milliseconds(2)) }
            await bookings.shutdown()
            return toldLater.load(ordering: .relaxed)
        }
    }

    @Test("this node's change failed: the notice was another node's — the copy is out of date and the feed is told")
    func ownChangeFailed() async throws {
        #expect(try await scenario(ownChangeFails: true))
    }

    @Test("this node's change became durable: the notice was its own — nothing more happens")
    func ownChangeDurable() async throws {
        #expect(try await scenario(ownChangeFails: false) == false)
    }
}
