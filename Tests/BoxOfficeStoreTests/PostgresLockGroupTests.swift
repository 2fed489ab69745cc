@testable import BoxOfficeStore
import Foundation
import PostgresNIO
import SeatEngine
import TestDatabases
import Testing

/// A batch's locks and releases written set-based (`PostgresLockGroup`) leave exactly the rows that writing them one
/// by one leaves — also when the batch ends a booking it made, re-takes seats it freed, or answers one key twice — and
/// a refused entry still fails alone.
@Suite(
    "Locks and releases written set-based on PostgreSQL",
    .enabled(if: TestPostgres.isConfigured, "needs BOXOFFICE_TEST_POSTGRES_URL (scripts/test starts a cluster and sets it)"))
struct PostgresLockGroupTests {
    let journalTests = PostgresJournalTests()
    let now = Date(timeIntervalSince1970: 1_900_000_000.25)

    func lock(_ id: String, _ fixture: PostgresFixture, _ seats: [String], version: Int64, replacing: String? = nil, freed: [String] = [],
              holdStarted: Date? = nil, answer key: String? = nil) -> JournalEntry {
        var booking = journalTests.booking(id, fixture, seats: seats, at: now)
        booking.holdStartedAt = holdStarted
        var updates = Dictionary(uniqueKeysWithValues: seats.map { ($0, SeatStatus.held) })
        for seat in freed where updates[seat] == nil { updates[seat] = .available }
        var entry = JournalEntry(.seatChange(journalTests.change(version, .lock, updates, at: now), .locked(booking, replacing: replacing)))
        if let key { entry.answer = answer(key, fixture, body: id) }
        return entry
    }

    func release(_ ids: [String], _ seats: [String], version: Int64, as status: BookingStatus, answer key: String? = nil, _ fixture: PostgresFixture) -> JournalEntry {
        let change = journalTests.change(version, status == .expired ? .expire : .release, Dictionary(uniqueKeysWithValues: seats.map { ($0, .available) }), at: now)
        var entry = JournalEntry(.seatChange(change, .released(ids, as: status)))
        if let key { entry.answer = answer(key, fixture, body: "released " + ids.joined()) }
        return entry
    }

    func answer(_ key: String, _ fixture: PostgresFixture, body: String) -> IdempotentAnswer {
        IdempotencyClaim(userId: fixture.user, key: key, requestHash: "h", createdAt: now).answer(status: 201, body: Data(body.utf8))
    }

    func rows(_ query: PostgresQuery, in database: TestPostgres.Database) async throws -> [String] {
        var out: [String] = []
        for try await row in try await database.connections.query(query, logger: TestPostgres.logger).decode(String.self) { out.append(row) }
        return out
    }

    @Test("one batch that locks, ends two of its own locks and answers a key twice")
    func runsSplitWhereOrderMatters() async throws {
        try await TestPostgres.withMigrated { database in
            let fixture = try await PostgresFixture.make(on: database)
            let writer = PostgresBatchWriter(database: database, logger: TestPostgres.logger)
            let started = now.addingTimeInterval(-30)
            let batch = [
                lock("bkg_1", fixture, ["A1", "A2"], version: 1, answer: "k1"),
                lock("bkg_2", fixture, ["A3"], version: 2, holdStarted: started),
                // Ends a booking this batch made: written after it, not before.
                release(["bkg_1"], ["A1", "A2"], version: 3, as: .expired, fixture),
                lock("bkg_3", fixture, ["A4"], version: 4, answer: "k2"),
                // The same key answered again: the later answer is the one kept.
                release(["bkg_3"], ["A4"], version: 5, as: .cancelled, answer: "k2", fixture),
            ]
            let outcome = try await writer.write(batch, knownVersions: [:])
            #expect(outcome.results.allSatisfy { $0 == nil }, "\(outcome.results)")
            #expect(outcome.versions[fixture.show] == 5)

            let store = PostgresBookingStore(database: database, logger: TestPostgres.logger)
            let second = try await store.booking(id: "bkg_2")
            let expectedSecond = journalTests.booking("bkg_2", fixture, seats: ["A3"], at: now)
            #expect(second == expectedSecond, "every column as written: \(String(describing: second)) vs \(expectedSecond)")
            #expect(try await rows("SELECT id FROM bookings WHERE holdStartedAt = \(started)", in: database) == ["bkg_2"])
            #expect(try await rows("SELECT id FROM bookings WHERE holdStartedAt IS NULL AND paymentId IS NULL ORDER BY id", in: database)
                == ["bkg_1", "bkg_3"], "the optional columns: NULL where nothing was given")
            #expect(try await store.booking(id: "bkg_1")?.bookingStatus == .expired)
            #expect(try await store.booking(id: "bkg_3")?.bookingStatus == .cancelled)
            #expect(try await rows("SELECT bookingId || ':' || seatNumber || ':' || state FROM bookingSeats ORDER BY 1", in: database) == ["bkg_2:A3:held"])
            #expect(try await rows("SELECT version::text || cause FROM seatChanges ORDER BY version", in: database)
                == ["1lock", "2lock", "3expire", "4lock", "5release"])
            #expect(try await rows("SELECT key || '=' || convert_from(body, 'UTF8') FROM idempotencyKeys ORDER BY key", in: database)
                == ["k1=bkg_1", "k2=released bkg_3"])
        }
    }

    @Test("a replacing lock re-holds the replaced hold's seat in the same batch; a refused lock fails alone")
    func replacingAndRefused() async throws {
        try await TestPostgres.withMigrated { database in
            let fixture = try await PostgresFixture.make(on: database)
            let writer = PostgresBatchWriter(database: database, logger: TestPostgres.logger)
            _ = try await writer.write([lock("bkg_1", fixture, ["A1"], version: 1), lock("bkg_2", fixture, ["A2"], version: 2)], knownVersions: [:])
            let outcome = try await writer.write([
                // The same user's new hold keeps A2 and adds A3: A2 is freed and held again within the batch.
                lock("bkg_3", fixture, ["A2", "A3"], version: 3, replacing: "bkg_2", answer: "k3"),
                // A1 is held by bkg_1: the database's guard refuses this one, and only this one.
                lock("bkg_4", fixture, ["A1", "A4"], version: 4, answer: "k4"),
            ], knownVersions: [fixture.show: 2])
            #expect(outcome.results[0] == nil)
            #expect(outcome.results[1] is StaleShow, "\(String(describing: outcome.results[1]))")
            #expect(try await rows("SELECT bookingId || ':' || seatNumber FROM bookingSeats ORDER BY 1", in: database)
                == ["bkg_1:A1", "bkg_3:A2", "bkg_3:A3"])
            #expect(try await rows("SELECT id || ':' || bookingStatus FROM bookings ORDER BY id", in: database)
                == ["bkg_1:pending", "bkg_2:cancelled", "bkg_3:pending"])
            #expect(try await rows("SELECT key FROM idempotencyKeys ORDER BY key", in: database) == ["k3"], "no answer for the refused lock")
            #expect(try await rows("SELECT MAX(version)::text FROM seatChanges", in: database) == ["3"])
            // Nothing refused: the whole batch in the set-based statements.
            let next = try await writer.write([
                lock("bkg_5", fixture, ["A2", "A5"], version: 4, replacing: "bkg_3", freed: ["A3"]),
                lock("bkg_6", fixture, ["A3"], version: 5),
            ], knownVersions: [fixture.show: 3])
            #expect(next.results.allSatisfy { $0 == nil }, "\(next.results)")
            #expect(try await rows("SELECT bookingId || ':' || seatNumber FROM bookingSeats ORDER BY 1", in: database)
                == ["bkg_1:A1", "bkg_5:A2", "bkg_5:A5", "bkg_6:A3"])
        }
    }
}
